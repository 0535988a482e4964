/**
 * The children of a cluster run (instances and the balancer): started with their output
 * prefixed, all stopped together on Ctrl-C / SIGTERM or when the parent exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { renderNginxMain, type BalancerOptions } from './nginx-config';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** Lines of output: printed with a `[name]` prefix when absent. */
  onLine?: (line: string) => void;
}

/** Every child started here, stopped by `stopAll`. */
const children: Child[] = [];

export function startChild(name: string, command: string, args: string[], opts: ChildOptions = {}): Child {
  const child = spawn(command, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const print = opts.onLine ?? ((line: string) => console.log(`[${name}] ${line}`));
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', print);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const entry = { name, process: child, exited };
  children.push(entry);
  return entry;
}

/** SIGTERM to every child still running, SIGKILL to those still there after `graceMs`. */
export async function stopAll(graceMs = 12_000): Promise<void> {
  const running = children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
  for (const c of running) c.process.kill('SIGTERM');
  const timer = setTimeout(() => running.forEach((c) => c.process.kill('SIGKILL')), graceMs);
  await Promise.all(running.map((c) => c.exited));
  clearTimeout(timer);
}

/** Whatever happens to this process, its children do not outlive it. */
export function killChildrenOnExit(): void {
  process.once('exit', () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  });
}

/** Polls `url` until it answers 200, or fails after `timeoutMs` or when `child` exits first. */
export async function waitForOk(url: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child?.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${child!.name} exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Writes nginx.conf under `dir` and runs nginx in the foreground with it. */
export function startBalancer(dir: string, opts: BalancerOptions, childOpts: ChildOptions = {}): Child {
  mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, renderNginxMain({ ...opts, dir }));
  // -e: the start-up error log, before the config's own is open (the default path is not ours).
  return startChild('nginx', NGINX, ['-c', conf, '-e', path.join(dir, 'error.log')], childOpts);
}
