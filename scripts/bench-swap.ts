/**
 * `npm run bench:swap`: hot model swaps under load. Starts the production server (separate
 * process) with two versions of the shipped model, hits /api/v1/twin/predict with autocannon
 * (another process) and, meanwhile, activates the two versions back and forth through the API.
 * Prints requests, non-2xx, errors and latency with and without swaps. Target: zero non-2xx.
 * Usage: npm run bench:swap -- [--seconds 10] [--connections 16] [--every 250] [--port 3211 (0: a free one)]
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { smokeOr } from './bench-mode';
import { cannon as cannonWith, runBench, startBenchServer, type CannonResult } from './bench-server';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: smokeOr('2', '10') },
    connections: { type: 'string', default: '16' },
    every: { type: 'string', default: '250' },
    port: { type: 'string', default: smokeOr('0', '3211') },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const everyMs = Number(args.every);
const root = process.cwd();

const cannon = (url: string, key: string, body: string) => cannonWith(url, { connections, seconds, key, body });

function line(label: string, r: CannonResult, extra = ''): string {
  return `${label.padEnd(12)} ${r.requests.total.toString().padStart(7)} requests  ${Math.round(r.requests.average).toString().padStart(5)} req/s   non-2xx ${r.non2xx}   errors ${r.errors + r.timeouts}   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   max ${r.latency.max} ms${extra}`;
}

runBench(async () => {
  console.log(
    `bench:swap — predict at c=${connections} for ${seconds} s, activating 1.0.0 <-> 1.1.0 every ${everyMs} ms; target: 0 non-2xx, 0 errors`,
  );
  const shipped = path.join(root, 'models/reactor-yield/1.0.0');
  const server = await startBenchServer({
    name: 'bench-swap',
    port: Number(args.port),
    username: 'swapper',
    role: 'admin',
    // Every request must reach the model: the point is swapping sessions under it.
    env: { MODEL: 'reactor-yield/1.0.0', PREDICTION_CACHE_SIZE: '0' },
    // Two versions of the shipped model to swap between.
    prepare(dataDir) {
      const modelsDir = path.join(dataDir, 'shipped-models');
      for (const version of ['1.0.0', '1.1.0']) {
        const dir = path.join(modelsDir, 'reactor-yield', version);
        mkdirSync(dir, { recursive: true });
        cpSync(path.join(shipped, 'model.onnx'), path.join(dir, 'model.onnx'));
        writeFileSync(
          path.join(dir, 'twin.json'),
          JSON.stringify({ ...JSON.parse(readFileSync(path.join(shipped, 'twin.json'), 'utf8')), version }),
        );
      }
      return { MODELS_DIR: modelsDir };
    },
  });
  try {
    const { base, key } = server;
    const reading = JSON.stringify({ temperature: 352, pressure: 6.1, flow: 101 });
    const predictUrl = `${base}/api/v1/twin/predict`;
    await cannon(predictUrl, key, reading); // warm-up
    console.log(line('no swaps', await cannon(predictUrl, key, reading)));

    let swaps = 0;
    let swapFailures = 0;
    let slowestSwapMs = 0;
    let stop = false;
    const swapper = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, everyMs));
        if (stop) break;
        const t0 = performance.now();
        const res = await fetch(`${base}/api/v1/models/activate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'reactor-yield', version: swaps % 2 ? '1.0.0' : '1.1.0' }),
        });
        slowestSwapMs = Math.max(slowestSwapMs, performance.now() - t0);
        if (res.ok) swaps++;
        else swapFailures++;
      }
    })();
    const during = await cannon(predictUrl, key, reading);
    stop = true;
    await swapper;
    console.log(
      line(
        'with swaps',
        during,
        `   (${swaps} swaps, ${swapFailures} failed, slowest activation ${slowestSwapMs.toFixed(0)} ms)`,
      ),
    );
    const ok = during.non2xx === 0 && during.errors + during.timeouts === 0 && swapFailures === 0 && swaps > 0;
    console.log(ok ? 'PASS: no request failed during the swaps' : 'FAIL: requests failed during the swaps');
    if (!ok) process.exitCode = 1;
  } finally {
    await server.stop();
  }
});
