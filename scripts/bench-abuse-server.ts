/**
 * The server side of `npm run bench:abuse`: the real console wiring (no web pages) on a free port
 * and a throwaway data directory, with two users (an operator for the normal clients, a viewer
 * for the flooder) and reactor-1's buffer filled as after a long run (BENCH_PREFILL points).
 * Prints `READY {port, secret, pid, operator, viewer}` when ready.
 */
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';
import { hashPassword } from '../lib/auth/password';

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
  const { users } = handle.services;
  const passwordHash = await hashPassword('bench-user-password');
  const operator = await users.create({ username: 'bench-operator', passwordHash, role: 'operator' });
  const viewer = await users.create({ username: 'bench-flooder', passwordHash, role: 'viewer' });
  const stream = handle.services.twin!.pipeline.stream('reactor-1')!;
  while (!stream.latest()) await new Promise((r) => setTimeout(r, 20));
  const last = stream.latest()!;
  // Spread over one millisecond so the simulator's next point is still the newest.
  for (let i = 0; i < prefill; i++)
    stream.append({ ...last, ts: last.ts + i / prefill, values: { ...last.values }, flags: [] });
  const ready = { port: handle.port, secret: handle.services.authSecret, pid: process.pid };
  process.stdout.write(`READY ${JSON.stringify({ ...ready, operator: operator.id, viewer: viewer.id })}\n`);
}

main().catch(exitOnError);
