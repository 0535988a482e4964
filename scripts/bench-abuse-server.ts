/**
 * The server side of `npm run bench:abuse`: the real console wiring (no web pages) on a free port
 * and a throwaway data directory, with two users (an operator for the normal clients, a viewer
 * for the flooder) and reactor-1's buffer filled as after a long run (BENCH_PREFILL points).
 * Prints `READY {port, pid, operatorCookie, viewerCookie}` (session cookies of the two) when ready.
 */
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';
import { benchSessionCookie } from './bench-session';

const prefill = Number(process.env.BENCH_PREFILL ?? 20_000);

async function main() {
  const handle = await runThrowawayConsole({
    name: 'twinops-bench-abuse',
    web: false,
    quiet: true,
    env: {
      PORT: '0',
      HOSTNAME: '127.0.0.1',
      ADMIN_PASSWORD: 'bench-admin-pass',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    },
  });
  const operatorCookie = await benchSessionCookie(handle, 'bench-operator', 'operator');
  const viewerCookie = await benchSessionCookie(handle, 'bench-flooder', 'viewer');
  const stream = handle.services.twin!.pipeline.stream('reactor-1')!;
  while (!stream.latest()) await new Promise((r) => setTimeout(r, 20));
  const last = stream.latest()!;
  // Spread over one millisecond so the simulator's next point is still the newest.
  for (let i = 0; i < prefill; i++)
    stream.append({ ...last, ts: last.ts + i / prefill, values: { ...last.values }, flags: [] });
  const ready = { port: handle.port, pid: process.pid, operatorCookie, viewerCookie };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
}

main().catch(exitOnError);
