/**
 * `npm run bench:api`: autocannon (a separate process) against the production server on
 * 127.0.0.1 with an API key: /api/v1/twin/predict at concurrency 1, 16 and 64, and
 * /api/v1/twin/batch with 1,000 readings. Prints req/s, rows/s, p50/p99 latency and errors.
 * Usage: npm run bench:api -- [--seconds 10] [--port 3210 (0: a free one)]
 */
import { parseArgs } from 'node:util';
import { smokeOr } from './bench-mode';
import { cannon, runBench, startBenchServer } from './bench-server';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: smokeOr('1', '10') },
    port: { type: 'string', default: smokeOr('0', '3210') },
  },
});
const seconds = Number(args.seconds);

runBench(async () => {
  console.log(
    'bench:api — targets (2 cores, load client included): predict >= 2,700 req/s at c=16, p99 <= 25 ms at c=64; batch >= 200,000 rows/s',
  );
  const server = await startBenchServer({
    name: 'bench-api',
    port: Number(args.port),
    username: 'bench',
    role: 'viewer',
  });
  try {
    const { base, key } = server;
    // Server CPU per request alongside req/s: steadier than req/s when the VM's speed drifts.
    const measured = async (url: string, o: Parameters<typeof cannon>[1]) => {
      const before = server.cpuMs();
      const r = await cannon(url, o);
      return { r, cpu: `server CPU ${((server.cpuMs() - before) / r.requests.total).toFixed(2)} ms/request` };
    };
    const reading = JSON.stringify({ temperature: 352, pressure: 6.1, flow: 101 });
    // Warm-up: JIT, ONNX session, Next's route compilation caches.
    await cannon(`${base}/api/v1/twin/predict`, { connections: 8, seconds, key, body: reading });
    for (const c of [1, 16, 64]) {
      const { r, cpu } = await measured(`${base}/api/v1/twin/predict`, { connections: c, seconds, key, body: reading });
      console.log(
        `predict  c=${String(c).padEnd(3)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   max ${r.latency.max} ms   errors ${r.errors + r.non2xx + r.timeouts}   ${cpu}`,
      );
    }
    const inputs = Array.from({ length: 1000 }, (_, i) => ({
      temperature: 300 + (i % 100),
      pressure: 1 + ((i * 7) % 90) / 10,
      flow: 50 + ((i * 13) % 100),
    }));
    const { r, cpu } = await measured(`${base}/api/v1/twin/batch`, {
      connections: 4,
      seconds,
      key,
      body: JSON.stringify({ inputs }),
    });
    console.log(
      `batch    c=4   ${r.requests.average.toFixed(1).padStart(6)} req/s = ${Math.round(r.requests.average * 1000).toLocaleString('en')} rows/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors + r.non2xx + r.timeouts}   ${cpu}`,
    );
  } finally {
    await server.stop();
  }
});
