/**
 * `npm run bench:api`: autocannon (a separate process) against the production server on
 * 127.0.0.1 with an API key: /api/v1/twin/predict at concurrency 1, 16 and 64, and
 * /api/v1/twin/batch with 1,000 readings. Prints req/s, rows/s, p50/p99 latency and errors.
 * Usage: npm run bench:api -- [--seconds 10]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, port: { type: 'string', default: '3210' } } });
const seconds = Number(args.seconds);
const port = Number(args.port);
const root = process.cwd();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-bench-api-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), HOSTNAME: '127.0.0.1', NEXTAUTH_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn', NODE_ENV: 'production' as const, API_RATE_LIMIT_PER_MINUTE: '10000000' };

function cli(args: string[], input = ''): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], { input, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`users ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}

function cannon(url: string, connections: number, key: string, body: string): CannonResult {
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', `authorization=Bearer ${key}`, '-H', 'content-type=application/json', '-b', body, '--json', url],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`autocannon failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as CannonResult;
}

async function main() {
  console.log('bench:api — targets (2 cores, load client included): predict >= 2,700 req/s at c=16, p99 <= 25 ms at c=64; batch >= 200,000 rows/s');
  const build = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('build failed');
  cli(['add', 'bench', '--role', 'viewer'], 'bench-password-1\n');
  const key = cli(['key-create', 'bench', '--days', '1']).split('\n').find((l) => l.startsWith('tok_'));
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
    // Warm-up: JIT, ONNX session, Next's route compilation caches.
    cannon(`${base}/api/v1/twin/predict`, 8, key, reading);
    for (const c of [1, 16, 64]) {
      const r = cannon(`${base}/api/v1/twin/predict`, c, key, reading);
      console.log(`predict  c=${String(c).padEnd(3)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   max ${r.latency.max} ms   errors ${r.errors + r.non2xx + r.timeouts}`);
    }
    const inputs = Array.from({ length: 1000 }, (_, i) => ({ temperature: 300 + (i % 100), pressure: 1 + ((i * 7) % 90) / 10, flow: 50 + ((i * 13) % 100) }));
    const r = cannon(`${base}/api/v1/twin/batch`, 4, key, JSON.stringify({ inputs }));
    console.log(`batch    c=4   ${r.requests.average.toFixed(1).padStart(6)} req/s = ${Math.round(r.requests.average * 1000).toLocaleString('en')} rows/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors + r.non2xx + r.timeouts}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
