/**
 * `npm run bench:stream`: K socket.io clients spread over A assets at R Hz against the real
 * server (a separate process) on 127.0.0.1, for D seconds per scenario. Prints delivery latency
 * (point created -> client received) p50/p99/max, points delivered vs expected, messages/s,
 * server CPU and RSS. Usage: npm run bench:stream -- [--seconds 20] [--scenarios 200x10x10,1000x10x10]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { smokeOr } from './bench-mode';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../lib/realtime/protocol';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: smokeOr('2', '20') },
    scenarios: { type: 'string', default: smokeOr('20x2x10', '200x10x10,1000x10x10') },
  },
});
const seconds = Number(args.seconds);
const scenarios = args.scenarios!.split(',').map((s) => {
  const [k, a, r] = s.split('x').map(Number);
  return { clients: k!, assets: a!, rateHz: r! };
});

const CLK_TCK = 100;
function procStat(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds, rssMb: rssKb / 1024 };
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runScenario(s: { clients: number; assets: number; rateHz: number }) {
  const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-stream-server.ts'], {
    env: { ...process.env, ASSET_COUNT: String(s.assets), SIM_RATE_HZ: String(s.rateHz), BUFFER_SECONDS: '600' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave the server behind, whatever happens to this process.
  const killServer = () => server.kill('SIGKILL');
  process.once('exit', killServer);
  const ready = await new Promise<{ port: number; cookie: string; pid: number }>((resolve, reject) => {
    const rl = createInterface({ input: server.stdout! });
    rl.on('line', (line) => {
      if (line.startsWith('READY '))
        resolve(JSON.parse(line.slice(6)) as { port: number; cookie: string; pid: number });
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${ready.port}`;
  const { cookie } = ready;

  const latencies = new Float64Array(s.clients * s.rateHz * (seconds + 5) * 1.2);
  let n = 0;
  let received = 0;
  let measuring = false;
  const firstSeq = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  const clients: Client[] = [];
  // Connect in waves so the handshake storm does not count against delivery.
  for (let i = 0; i < s.clients; i++) {
    const assetId = `reactor-${(i % s.assets) + 1}`;
    const c: Client = connect(url, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      reconnection: false,
      forceNew: true,
    });
    c.on('stream:points', ({ points }) => {
      if (!measuring) return;
      const now = Date.now();
      for (const point of points) {
        received++;
        if (n < latencies.length) latencies[n++] = now - point.ts;
        if (!firstSeq.has(`${i}`)) firstSeq.set(`${i}`, point.seq);
        lastSeq.set(`${i}`, point.seq);
      }
    });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () =>
        c.emit('stream:subscribe', { assetId, maxPoints: 1 }, (res: SubscribeAck) =>
          res.ok ? resolve() : reject(new Error(res.error)),
        ),
      );
      c.once('connect_error', reject);
    });
  }
  await new Promise((r) => setTimeout(r, 1000));
  const cpu0 = procStat(ready.pid);
  const t0 = Date.now();
  measuring = true;
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, procStat(ready.pid).rssMb)), 250);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  clearInterval(sampler);
  const elapsed = (Date.now() - t0) / 1000;
  const cpu1 = procStat(ready.pid);
  // Expected = for each client, every seq between the first and last it saw (no gaps allowed).
  let expected = 0;
  for (const [k, first] of firstSeq) expected += (lastSeq.get(k) ?? first) - first + 1;
  for (const c of clients) c.disconnect();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  process.off('exit', killServer);

  const sorted = latencies.slice(0, n).sort();
  return {
    scenario: `${s.clients} clients, ${s.assets} assets at ${s.rateHz} Hz, ${seconds} s`,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN },
    delivered: received,
    expected,
    lost: expected - received,
    messagesPerSecond: Math.round(received / elapsed),
    serverCpuPercent: Math.round(((cpu1.cpuSeconds - cpu0.cpuSeconds) / elapsed) * 100),
    serverRssMb: { end: Math.round(cpu1.rssMb), peak: Math.round(rssPeak) },
  };
}

async function main() {
  console.log(
    'bench:stream — target at 1,000 clients, 10 assets at 10 Hz: p99 <= 100 ms, nothing lost, server RSS <= 500 MB',
  );
  for (const s of scenarios) {
    const r = await runScenario(s);
    console.log(`\n${r.scenario}`);
    console.log(
      `  delivery latency  p50 ${r.latencyMs.p50} ms   p99 ${r.latencyMs.p99} ms   max ${r.latencyMs.max} ms`,
    );
    console.log(`  points delivered  ${r.delivered} of ${r.expected} expected (lost ${r.lost})`);
    console.log(`  messages/s        ${r.messagesPerSecond}`);
    console.log(
      `  server            CPU ${r.serverCpuPercent} %   RSS ${r.serverRssMb.end} MB (peak ${r.serverRssMb.peak} MB)`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
