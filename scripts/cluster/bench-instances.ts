/**
 * bench:cluster's console instances: scripts/bench-stream-server.ts (the real wiring without
 * web pages, a viewer `bench` and its session cookie) as children with the cluster's settings.
 */
import { readFileSync } from 'node:fs';
import { startChild, type Child } from './processes';

export interface BenchInstance {
  id: string;
  port: number;
  pid: number;
  /** A viewer's session cookie (opens on every instance: one secret). */
  cookie: string;
  child: Child;
}

export async function startBenchInstance(id: string, env: Record<string, string>): Promise<BenchInstance> {
  let ready!: (v: { port: number; cookie: string; pid: number }) => void;
  const readyLine = new Promise<{ port: number; cookie: string; pid: number }>((r) => (ready = r));
  const child = startChild(id, process.execPath, ['--import', 'tsx', 'scripts/bench-stream-server.ts'], {
    env: { ...env, INSTANCE_ID: id },
    onLine: (line) => {
      if (line.startsWith('READY ')) ready(JSON.parse(line.slice(6)) as { port: number; cookie: string; pid: number });
      else console.log(`  [${id}] ${line}`);
    },
  });
  const r = await Promise.race([
    readyLine,
    child.exited.then((code) => Promise.reject(new Error(`${id} exited with ${code} before it was ready`))),
  ]);
  return { id, ...r, child };
}

const CLK_TCK = 100;

/** User + system CPU seconds of a process so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}
