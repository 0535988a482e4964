/**
 * `npm run bench:ingest`: end-to-end ingest throughput. Readings are posted over HTTP (bearer API
 * key, the machine fast path) to the real console in its own process (tests/ingest-console.ts:
 * startConsole, no web pages, no simulator), where each is validated, scored by the ONNX model,
 * committed (group commit; the 201 is sent after the commit) and streamed to one socket.io client
 * subscribed to every asset. The load generator runs in this process, on the same cores.
 *
 * Closed loop: `--connections` senders, each owning one asset (so its readings stay in time order
 * and are all streamed, none late), post back to back. With `--rate R` (readings/s in all) the
 * senders are paced instead, as a plant's gateways are: each sends its batch at fixed times
 * (R / connections readings/s each), one request at a time, and a request's time to the 201 is
 * counted from when it was due, not from when it went out, so a console that falls behind shows
 * it in the percentiles (no coordinated omission, as in wrk2). Closed-loop latency is mostly the
 * senders' own queue: N senders keep N batches in flight, so the mean wait is N x batch / (readings/s). Per scenario it prints readings/s,
 * requests/s, p50/p99 time to the 201, the share of acknowledged readings the subscribed client
 * received, and the server's CPU. Scenarios: batches of 1 and 100 readings, on PGlite and on
 * PostgreSQL (a database of its own on TEST_DATABASE_URL, dropped afterwards).
 *
 * Transports (`senders` below): `http` (POST, acknowledged by the 201), `mqtt` (JSON, QoS 1) and
 * `sparkplug` (Sparkplug B DDATA after the births, QoS 1) through the machine's Mosquitto
 * (scripts/bench-ingest-mqtt.ts: an MQTT message counts as acknowledged when its last reading
 * reached the subscribed client, which the console streams after the commit, next to its PUBACK).
 *
 * Usage: npm run bench:ingest -- [--seconds 15] [--connections 16] [--batches 1,100]
 *   [--databases pglite,postgres] [--transports http,mqtt,sparkplug] [--rate 20000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { smokeOr } from './bench-mode';
import consoleNodeFlags from './console-node-flags.json';
import { jsonSender, mqttEnv, sparkplugSender, type BenchReading } from './bench-ingest-mqtt';
import { runBench } from './bench-server';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../lib/realtime/protocol';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: smokeOr('2', '15') },
    warmup: { type: 'string', default: smokeOr('1', '3') },
    connections: { type: 'string', default: '16' },
    // Smoke mode: every transport on both databases, the 100-reading batches only (time).
    batches: { type: 'string', default: smokeOr('100', '1,100') },
    databases: { type: 'string', default: 'pglite,postgres' },
    transports: { type: 'string', default: 'http,mqtt,sparkplug' },
    rate: { type: 'string' },
  },
});
/** Paced senders: readings/s in all (undefined: closed loop, back to back). */
const RATE = args.rate === undefined ? undefined : Number(args.rate);
if (RATE !== undefined && !(RATE > 0)) throw new Error('--rate must be a positive number of readings/s');
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Math.min(16, Number(args.connections)); // a socket may hold 16 streams
const BATCHES = args.batches!.split(',').map(Number);
const DATABASES = args.databases!.split(',') as ('pglite' | 'postgres')[];
const TRANSPORTS = args.transports!.split(',');
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const TARGETS = {
  postgres: 'target >= 20,000 readings/s with p99 ack <= 50 ms at 100-reading batches',
  pglite: 'target >= 5,000 readings/s',
};

interface Server {
  proc: ChildProcess;
  port: number;
  key: string;
  cookie: string;
  pid: number;
  /** The console's MQTT settings (topic prefix, Sparkplug group). */
  mqtt: Record<string, string>;
  cleanup(): Promise<void>;
}

async function startServer(database: 'pglite' | 'postgres'): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `twinops-bench-ingest-${database}-`));
  let dropDb = async () => {};
  let url = '';
  if (database === 'postgres') {
    const name = `twinops_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(TEST_DATABASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const mqtt = await mqttEnv();
  // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the console under load.
  // The console's own V8 flags first, as `npm start` and the image run it (scripts/start.mjs).
  const nodeArgs = [...consoleNodeFlags, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'tests/ingest-console.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      PORT: '0',
      HOSTNAME: '127.0.0.1',
      SIMULATOR: 'off',
      ASSET_COUNT: String(CONNECTIONS),
      ADMIN_PASSWORD: 'bench-admin-password',
      NEXTAUTH_SECRET: 'bench-ingest-secret-bench-ingest-secret-01',
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      LOG_LEVEL: 'error',
      ...mqtt.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = () => proc.kill('SIGKILL');
  process.once('exit', kill);
  const ready = await new Promise<{ port: number; key: string; cookie: string; pid: number }>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)));
    });
    proc.once('exit', (code) => reject(new Error(`ingest console exited with ${code}`)));
  });
  return {
    proc,
    ...ready,
    mqtt: mqtt.env,
    async cleanup() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
      process.off('exit', kill);
      await dropDb();
      await mqtt.dropSession();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** How reading batches reach the console; `send` resolves once its batch is acknowledged (committed). */
interface Sender {
  send(assetId: string, readings: BenchReading[]): Promise<void>;
  /** Each point the subscribed client receives (the MQTT senders' acknowledgement). */
  streamed?(assetId: string, ts: number): void;
  close?(): Promise<void>;
}

const senders: Record<string, (server: Server) => Promise<Sender>> = {
  http: async (server) => ({
    async send(assetId, readings) {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/assets/${assetId}/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(readings.length === 1 ? readings[0] : readings),
      });
      if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    },
  }),
  mqtt: async (server) => {
    const s = await jsonSender(server.mqtt);
    return { send: s.send, streamed: (a, ts) => s.acks.seen(a, ts), close: s.close };
  },
  sparkplug: async (server) => {
    const s = await sparkplugSender(server.mqtt);
    return { send: s.send, streamed: (a, ts) => s.acks.seen(a, ts), close: s.close };
  },
};

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function subscriber(
  server: Server,
  assetIds: string[],
  streamed?: (assetId: string, ts: number) => void,
): Promise<{ client: Client; received: () => number }> {
  const client: Client = connect(`http://127.0.0.1:${server.port}`, {
    transports: ['websocket'],
    extraHeaders: { cookie: server.cookie },
    reconnection: false,
  });
  let received = 0;
  client.on('stream:points', ({ assetId, points }) => {
    received += points.length;
    for (const point of points) streamed?.(assetId, point.ts);
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  for (const assetId of assetIds)
    await new Promise<void>((resolve, reject) =>
      client.emit('stream:subscribe', { assetId, maxPoints: 1 }, (res: SubscribeAck) =>
        res.ok ? resolve() : reject(new Error(res.error)),
      ),
    );
  return { client, received: () => received };
}

// Ten minutes of timestamps per scenario, the last ending before now (none in the future).
let tsBase = Date.now() - (DATABASES.length * TRANSPORTS.length * BATCHES.length + 1) * 600_000;

async function scenario(server: Server, transport: string, batch: number) {
  const sender = await senders[transport]!(server);
  const assets = Array.from({ length: CONNECTIONS }, (_, i) => `reactor-${i + 1}`);
  const sub = await subscriber(server, assets, sender.streamed);
  // Every scenario's readings are newer than the last one's, so none is late (all are streamed).
  const base = (tsBase += 600_000);
  const latencies = new Float64Array(2_000_000);
  let n = 0;
  let acked = 0;
  let ackedTotal = 0;
  let requests = 0;
  let measuring = false;
  let stop = false;
  let failure: unknown = null;
  const worker = async (w: number) => {
    const assetId = assets[w]!;
    let seq = 0;
    // Paced: this sender's batches are due every `interval` ms, the first ones spread over it.
    const interval = RATE === undefined ? 0 : (batch * assets.length * 1000) / RATE;
    let due = performance.now() + (interval * w) / assets.length;
    while (!stop) {
      if (interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stop) break;
      }
      const readings = Array.from({ length: batch }, () => {
        const k = seq++;
        return { ts: base + k, values: { temperature: 330 + (k % 40), pressure: 5 + (k % 3), flow: 100 + (k % 10) } };
      });
      // Paced: counted from when the batch was due (a late start is the console's delay too).
      const t0 = interval ? due : performance.now();
      due += interval;
      try {
        await sender.send(assetId, readings);
      } catch (err) {
        failure = err;
        stop = true;
        return;
      }
      ackedTotal += batch;
      if (measuring) {
        if (n < latencies.length) latencies[n++] = performance.now() - t0;
        acked += batch;
        requests++;
      }
    }
  };
  const running = Promise.all(assets.map((_, w) => worker(w)));
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid) - cpu0;
  stop = true;
  await running;
  // Every acknowledged reading of the run (warm-up included) must reach the subscriber; give
  // the socket a moment to drain what is still in flight.
  for (let i = 0; i < 50 && sub.received() < ackedTotal; i++) await new Promise((r) => setTimeout(r, 100));
  const streamed = sub.received();
  sub.client.disconnect();
  await sender.close?.();
  if (failure) throw failure;
  const sorted = latencies.slice(0, n).sort();
  return {
    readingsPerSecond: acked / elapsed,
    requestsPerSecond: requests / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    streamedShare: ackedTotal ? streamed / ackedTotal : NaN,
    serverCpuPercent: (cpu / elapsed) * 100,
    // Steadier than readings/s on a shared VM whose speed drifts: what the server spent per reading.
    serverCpuMsPer1000: acked ? (cpu * 1e6) / acked : NaN,
  };
}

const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `bench:ingest — load average ${load}; ${CONNECTIONS} senders (one asset each, ${
      RATE === undefined ? 'back to back' : `paced at ${fmt(RATE)} readings/s in all`
    }), ${SECONDS} s per scenario after ${WARMUP} s warm-up; ` +
      `validated, scored, committed, streamed to 1 socket.io client; load generator on the same machine (${os.cpus().length} cores)`,
  );
  for (const database of DATABASES) {
    const server = await startServer(database);
    try {
      for (const transport of TRANSPORTS) {
        for (const batch of BATCHES) {
          const r = await scenario(server, transport, batch);
          console.log(
            `${database.padEnd(8)} ${transport} batch ${String(batch).padStart(3)}: ${fmt(r.readingsPerSecond).padStart(7)} readings/s ` +
              `(${fmt(r.requestsPerSecond)} ${transport === 'http' ? 'req/s' : 'messages/s'}), ack p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, ` +
              `streamed ${fmt(r.streamedShare * 100, 1)} % of acknowledged, server CPU ${fmt(r.serverCpuPercent)} % (${fmt(r.serverCpuMsPer1000, 1)} ms per 1,000 readings)`,
          );
        }
      }
      console.log(`${database.padEnd(8)} ${TARGETS[database]}`);
      if (TRANSPORTS.some((t) => t !== 'http'))
        console.log(
          `${database.padEnd(8)} mqtt/sparkplug ack: QoS 1 publish until the message's last reading reached the subscriber ` +
            '(streamed after its commit, in the same turn as the PUBACK to the broker)',
        );
    } finally {
      await server.cleanup();
    }
  }
}

runBench(main);
