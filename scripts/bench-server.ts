/**
 * What the HTTP benchmarks (bench:api, bench:swap) share: the production server in its own process
 * on a throwaway data directory, a user with an API key made by the users CLI, and autocannon in
 * another process, so the server is measured rather than the client's event loop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Role } from '../lib/auth/roles';

const root = process.cwd();

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface BenchServer {
  base: string;
  /** An API key of the bench user. */
  key: string;
  dataDir: string;
  /**
   * CPU time the server process has used so far (all its threads), in ms; NaN where /proc is
   * missing. Per request it is a steadier figure than req/s on a VM whose speed drifts.
   */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/** A port nobody listens on right now (the server needs its port before it starts: NEXTAUTH_URL). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Builds if needed, creates `username` with `role` and a key, starts `server.ts` and waits for its
 * health probe. `prepare` runs once the data directory exists (e.g. to copy model packages).
 * Port 0 takes a free one.
 */
export async function startBenchServer(opts: {
  name: string;
  port: number;
  username: string;
  role: Role;
  env?: Record<string, string>;
  prepare?: (dataDir: string) => Record<string, string>;
}): Promise<BenchServer> {
  const port = opts.port || (await freePort());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `twinops-${opts.name}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    ...opts.env,
    ...opts.prepare?.(dataDir),
  };
  const cli = (args: string[], input = ''): string => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], {
      input,
      encoding: 'utf8',
      env,
    });
    if (r.status !== 0) throw new Error(`users ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const build = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('build failed');
  cli(['add', opts.username, '--role', opts.role], 'bench-password-1\n');
  const key = cli(['key-create', opts.username, '--days', '1'])
    .split('\n')
    .find((l) => l.startsWith('tok_'));
  if (!key) throw new Error('no key printed');

  // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server under load
  // (node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server.ts'], {
    env,
    stdio: ['ignore', nodeArgs.length ? 'inherit' : 'ignore', 'inherit'],
  });
  const stop = async () => {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 120) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, key, dataDir, stop, cpuMs: () => processCpuMs(server.pid) };
}

/** autocannon POSTing `body` with the key for `seconds`, in its own process. */
export function cannon(
  url: string,
  o: { connections: number; seconds: number; key: string; body: string },
): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/autocannon/autocannon.js'),
        '-c',
        String(o.connections),
        '-d',
        String(o.seconds),
        '-m',
        'POST',
        '-H',
        `authorization=Bearer ${o.key}`,
        '-H',
        'content-type=application/json',
        '-b',
        o.body,
        '--json',
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as CannonResult) : reject(new Error(`autocannon exited ${code}: ${err}`)),
    );
  });
}

/** `main().then(...)` for the bench scripts: exit with the set code, or 1 on an error. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
