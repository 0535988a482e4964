/**
 * `npm run bench:swap`: hot model swaps under load. Starts the production server (separate
 * process) with two versions of the shipped model, hits /api/v1/twin/predict with autocannon
 * (another process) and, meanwhile, activates the two versions back and forth through the API.
 * Prints requests, non-2xx, errors and latency with and without swaps. Target: zero non-2xx.
 * Usage: npm run bench:swap -- [--seconds 10] [--connections 16] [--every 250]
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' }, every: { type: 'string', default: '250' }, port: { type: 'string', default: '3211' } },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const everyMs = Number(args.every);
const port = Number(args.port);
const root = process.cwd();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-bench-swap-'));
const modelsDir = path.join(dataDir, 'shipped-models');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  MODELS_DIR: modelsDir,
  MODEL: 'reactor-yield/1.0.0',
  PORT: String(port),
  HOSTNAME: '127.0.0.1',
  NEXTAUTH_URL: `http://127.0.0.1:${port}`,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production' as const,
  API_RATE_LIMIT_PER_MINUTE: '10000000',
  // Every request must reach the model: the point is swapping sessions under it.
  PREDICTION_CACHE_SIZE: '0',
};

function cli(cmd: string[], input = ''): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...cmd], { input, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`users ${cmd.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon in its own process, so the server is measured, not the client's event loop. */
function cannon(url: string, key: string, body: string): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', `authorization=Bearer ${key}`, '-H', 'content-type=application/json', '-b', body, '--json', url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as CannonResult) : reject(new Error(`autocannon exited ${code}`))));
  });
}

function line(label: string, r: CannonResult, extra = ''): string {
  return `${label.padEnd(12)} ${r.requests.total.toString().padStart(7)} requests  ${Math.round(r.requests.average).toString().padStart(5)} req/s   non-2xx ${r.non2xx}   errors ${r.errors + r.timeouts}   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   max ${r.latency.max} ms${extra}`;
}

async function main() {
  console.log(`bench:swap — predict at c=${connections} for ${seconds} s, activating 1.0.0 <-> 1.1.0 every ${everyMs} ms; target: 0 non-2xx, 0 errors`);
  const shipped = path.join(root, 'models/reactor-yield/1.0.0');
  for (const version of ['1.0.0', '1.1.0']) {
    const dir = path.join(modelsDir, 'reactor-yield', version);
    mkdirSync(dir, { recursive: true });
    cpSync(path.join(shipped, 'model.onnx'), path.join(dir, 'model.onnx'));
    writeFileSync(path.join(dir, 'twin.json'), JSON.stringify({ ...JSON.parse(readFileSync(path.join(shipped, 'twin.json'), 'utf8')), version }));
  }
  const build = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('build failed');
  cli(['add', 'swapper', '--role', 'admin'], 'bench-password-1\n');
  const key = cli(['key-create', 'swapper', '--days', '1']).split('\n').find((l) => l.startsWith('tok_'));
  if (!key) throw new Error('no key printed');

  const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 120) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 500));
    }
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
    console.log(line('with swaps', during, `   (${swaps} swaps, ${swapFailures} failed, slowest activation ${slowestSwapMs.toFixed(0)} ms)`));
    const ok = during.non2xx === 0 && during.errors + during.timeouts === 0 && swapFailures === 0 && swaps > 0;
    console.log(ok ? 'PASS: no request failed during the swaps' : 'FAIL: requests failed during the swaps');
    if (!ok) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
