/**
 * `npm run bench:abuse`: the issue-14 flood. The console runs in its own process; N normal
 * clients follow the live stream while one viewer's socket sends F `stream:subscribe
 * {maxPoints: 20000}` in a burst, and `/api/health` is polled every 50 ms. Prints health latency
 * p50/p99/max and the normal clients' delivery latency (point created -> received) before and
 * under the flood, next to the targets, plus whether the flooder was cut off and the server's
 * RSS. BENCH_SMOKE=1: a few seconds with small sizes.
 * Usage: npm run bench:abuse -- [--clients 50] [--flood 10000] [--seconds 10]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/realtime/protocol';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const smoke = process.env.BENCH_SMOKE === '1';
const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: smoke ? '5' : '50' },
    flood: { type: 'string', default: smoke ? '2000' : '10000' },
    seconds: { type: 'string', default: smoke ? '2' : '10' },
  },
});
const clientCount = Number(args.clients);
const floodCount = Number(args.flood);
const seconds = Number(args.seconds);
const TARGET_MS = 100;

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(1)} ms   p99 ${pct(xs, 99).toFixed(1)} ms   max ${Math.max(...xs).toFixed(1)} ms   (n=${xs.length})`;
/** The server's CPU time so far (user + system), from /proc: clock ticks of 10 ms. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
/** The flooding viewer, in a worker thread (plain JavaScript: workers do not go through tsx). */
const FLOODER = `
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require('socket.io-client');
const { url, cookie, count } = workerData;
const s = io(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
let answered = 0, refused = 0, cutOffAfterMs = null, at = 0;
s.once('connect', () => parentPort.postMessage({ connected: true }));
s.once('connect_error', (err) => parentPort.postMessage({ connected: false, error: err.message }));
s.on('disconnect', () => { cutOffAfterMs = performance.now() - at; });
parentPort.on('message', (m) => {
  if (m === 'go') {
    at = performance.now();
    for (let i = 0; i < count; i++)
      s.emit('stream:subscribe', { assetId: 'reactor-1', maxPoints: 20000 }, (res) => (res.ok ? answered++ : refused++));
  } else if (m === 'report') {
    s.disconnect();
    parentPort.postMessage({ answered, refused, cutOffAfterMs });
  }
});
`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-abuse-server.ts'], {
    env: {
      ...process.env,
      ASSET_COUNT: '10',
      SIM_RATE_HZ: '10',
      BENCH_PREFILL: smoke ? '2000' : '20000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killServer = () => server.kill('SIGKILL');
  process.once('exit', killServer);
  const ready = await new Promise<{ port: number; pid: number; operatorCookie: string; viewerCookie: string }>(
    (resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (line) => {
        if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)));
      });
      server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    },
  );
  const url = `http://127.0.0.1:${ready.port}`;
  const { operatorCookie, viewerCookie } = ready;
  const open = (cookie: string): Client =>
    connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });

  let phase: 'idle' | 'baseline' | 'flood' = 'idle';
  const delivery = { baseline: [] as number[], flood: [] as number[] };
  const clients: Client[] = [];
  for (let i = 0; i < clientCount; i++) {
    const c = open(operatorCookie);
    c.on('stream:points', ({ points }) => {
      if (phase === 'idle') return;
      const now = Date.now();
      for (const point of points) delivery[phase].push(now - point.ts);
    });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () =>
        c.emit('stream:subscribe', { assetId: `reactor-${(i % 10) + 1}`, maxPoints: 1 }, (res) =>
          res.ok ? resolve() : reject(new Error(res.error)),
        ),
      );
      c.once('connect_error', reject);
    });
    clients.push(c);
  }

  const pollHealth = async (untilMs: number, into: number[]) => {
    while (Date.now() < untilMs) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(120_000) });
      await res.text();
      into.push(performance.now() - t0);
      await sleep(50);
    }
  };
  const health = { baseline: [] as number[], flood: [] as number[] };

  phase = 'baseline';
  const cpuAtBaseline = cpuMs(ready.pid);
  await pollHealth(Date.now() + seconds * 1000, health.baseline);
  const baselineCpuMs = cpuMs(ready.pid) - cpuAtBaseline;
  const rssBefore = rssMb(ready.pid);

  // The flood comes from a thread of its own: encoding 10,000 emits in this thread would stall
  // the health poller and the normal clients here, and the bench would measure itself.
  const flooder = new Worker(FLOODER, { eval: true, workerData: { url, cookie: viewerCookie, count: floodCount } });
  await new Promise<void>((resolve, reject) => {
    flooder.once('message', (m: { connected?: boolean; error?: string }) =>
      m.connected ? resolve() : reject(new Error(m.error)),
    );
  });
  const floodResult = new Promise<{ answered: number; refused: number; cutOffAfterMs: number | null }>((resolve) =>
    flooder.once('message', resolve),
  );
  phase = 'flood';
  const cpuBefore = cpuMs(ready.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(ready.pid))), 100);
  const polling = pollHealth(Date.now() + seconds * 1000, health.flood);
  flooder.postMessage('go');
  await polling;
  const floodCpuMs = cpuMs(ready.pid) - cpuBefore;
  clearInterval(sampler);
  phase = 'idle';
  flooder.postMessage('report');
  const { answered, refused, cutOffAfterMs } = await floodResult;
  await flooder.terminate();

  for (const c of clients) c.disconnect();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  process.off('exit', killServer);

  const verdict = (xs: number[], at: number) => (at <= TARGET_MS ? 'ok' : 'MISSED') + ` (${at.toFixed(1)} ms)`;
  console.log(
    `bench:abuse${smoke ? ' (smoke)' : ''} — ${clientCount} normal clients on 10 assets at 10 Hz; one socket sends ` +
      `${floodCount} stream:subscribe {maxPoints: 20000}; ${seconds} s per phase`,
  );
  console.log(
    `  targets: under the flood health max <= ${TARGET_MS} ms, normal clients' delivery p99 <= ${TARGET_MS} ms`,
  );
  console.log(`\n  health   before  ${fmt(health.baseline)}`);
  console.log(`  health   flood   ${fmt(health.flood)}`);
  console.log(`  delivery before  ${fmt(delivery.baseline)}`);
  console.log(`  delivery flood   ${fmt(delivery.flood)}`);
  console.log(
    `\n  flooder: ${answered} subscribes answered, ${refused} refused, ` +
      (cutOffAfterMs === null ? 'NOT disconnected' : `disconnected after ${(cutOffAfterMs as number).toFixed(0)} ms`),
  );
  console.log(
    `  server CPU ${baselineCpuMs.toFixed(0)} ms in the ${seconds} s before the flood, ` +
      `${floodCpuMs.toFixed(0)} ms in the ${seconds} s of the flood (steadier than latency on a loaded machine)`,
  );
  console.log(`  server RSS ${rssBefore.toFixed(0)} MB before the flood, peak ${rssPeak.toFixed(0)} MB under it`);
  console.log(
    `\n  health under flood: ${verdict(health.flood, Math.max(...health.flood))}; ` +
      `delivery p99 under flood: ${verdict(delivery.flood, pct(delivery.flood, 99))}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
