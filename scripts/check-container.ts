/**
 * `npm run check:container`: what CI runs in place of the image (no container engine here).
 * Lays out the files the Dockerfile's runtime stage copies (production dependencies from a
 * fresh `npm ci --omit=dev`, the Next build, the sources), owned by root as in the image, then
 * runs the image's ENTRYPOINT + CMD as the unprivileged user `nobody` (setpriv) with the compose
 * file's app environment, pointed at this machine's PostgreSQL, Redis and Mosquitto instead of
 * the compose services. Checks: /api/health answers 200 "ok", /login is served, the process runs
 * as that user, the image's HEALTHCHECK command passes, and SIGTERM stops it cleanly.
 * Needs root (to switch user) and a Next build (made when missing, as the image's build stage).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCompose, readDockerfile } from './cluster/deploy-files';
import { waitForOk } from './cluster/processes';
import { dropDatabase, ensureDatabase, freePort } from './cluster/services';

const NOBODY = 65534;
const root = process.cwd();
const results: { name: string; ok: boolean; detail?: string }[] = [];
const check = (name: string, ok: boolean, detail?: string) => {
  results.push({ name, ok, detail });
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `  (${detail})` : ''}`);
};

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
}

/** The compose value with `${NAME:?msg}` / `${NAME:-default}` resolved from `given`. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (given[name] !== undefined) return given[name];
    if (op === '-') return arg ?? '';
    throw new Error(`compose.yaml needs ${name}`);
  });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('check:container runs as root (it switches to the user nobody)');
  const docker = readDockerfile();
  const app = readCompose().app!;
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) run(process.execPath, ['scripts/start.mjs', '--build-only']);

  const base = mkdtempSync(path.join(os.tmpdir(), 'twinops-image-'));
  chmodSync(base, 0o755);
  const appDir = path.join(base, 'app');
  const dataDir = path.join(base, 'data');
  const dbName = `twinops_container_${randomBytes(4).toString('hex')}`;
  let child: ReturnType<typeof spawn> | undefined;
  try {
    // The prod-deps stage.
    mkdirSync(appDir);
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) cpSync(path.join(root, f), path.join(appDir, f));
    console.log("check:container: npm ci --omit=dev (the image's prod-deps stage)...");
    run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: appDir,
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    // The runtime stage's COPY --from=build lines, from this checkout (built like the build stage).
    for (const [, rest] of docker.runtime.filter(([k, r]) => k === 'COPY' && r.startsWith('--from=build'))) {
      const parts = rest.split(/\s+/).slice(1);
      const dest = parts.pop()!;
      for (const src of parts) {
        const from = src.replace(/^\/app\//, `${root}/`);
        const to = dest.endsWith('/') ? path.join(appDir, path.basename(from)) : path.join(appDir, dest);
        cpSync(from, to, { recursive: true, filter: (p) => !p.includes(`${path.sep}.next${path.sep}cache`) });
      }
    }
    const entrypoint = path.join(base, 'twinops-entrypoint');
    cpSync(path.join(root, 'deploy', 'docker-entrypoint.sh'), entrypoint);
    chmodSync(entrypoint, 0o755);
    // RUN mkdir -p /data .next/cache && chown node:node ...
    for (const d of [dataDir, path.join(appDir, '.next', 'cache')]) {
      mkdirSync(d, { recursive: true });
      chownSync(d, NOBODY, NOBODY);
    }

    const port = await freePort();
    const secrets = {
      POSTGRES_PASSWORD: 'unused-here',
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
      TWINOPS_PUBLIC_URL: `http://localhost:${port}`,
    };
    const composeEnv = Object.fromEntries(
      Object.entries(app.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), secrets)]),
    );
    // The compose services' names are this machine's services; the database is one of our own.
    composeEnv.DATABASE_URL = await ensureDatabase(dbName);
    for (const k of ['REDIS_URL', 'MQTT_URL'] as const)
      if (composeEnv[k]) composeEnv[k] = composeEnv[k].replace(/\/\/(redis|mosquitto):/, '//127.0.0.1:');
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'production',
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: '/nonexistent',
      ...docker.runtimeEnv,
      ...composeEnv,
      // The image's port (3000) may be taken on a shared machine; DATA_DIR is the volume's stand-in.
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    const [entry, ...cmd] = [...docker.json('ENTRYPOINT'), ...docker.json('CMD')];
    if (entry !== 'twinops-entrypoint') throw new Error(`unexpected ENTRYPOINT ${entry}`);
    console.log(`check:container: starting \`${cmd.join(' ')}\` as nobody on port ${port}...`);
    const proc = spawn(
      'setpriv',
      ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', entrypoint, ...cmd],
      { cwd: appDir, env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await waitForOk(`http://127.0.0.1:${port}/api/health`, 240_000, { name: 'the console', process: proc, exited });

    const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as {
      status: string;
      checks: { database: { kind: string } };
    };
    check(
      '/api/health answers 200 with status ok on PostgreSQL',
      health.status === 'ok',
      `database ${health.checks.database.kind}`,
    );
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    check('/login page is served from the build', login.status === 200 && (await login.text()).includes('<html'));
    const server = spawnSync('pgrep', ['-f', '-P', String(proc.pid), 'server.ts'], { encoding: 'utf8' });
    const pid = Number(server.stdout.trim().split('\n')[0] || proc.pid);
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    check('the server runs as an unprivileged user', uid === String(NOBODY), `uid ${uid}`);
    const hc = docker.runtime.find(([k]) => k === 'HEALTHCHECK')![1];
    const hcCmd = JSON.parse(hc.slice(hc.indexOf('CMD ') + 4)) as string[];
    const probe = spawnSync(
      'setpriv',
      ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', ...hcCmd],
      {
        env,
        timeout: 10_000,
      },
    );
    check("the image's HEALTHCHECK command passes", probe.status === 0, `exit ${probe.status}`);
    const t0 = Date.now();
    proc.kill('SIGTERM');
    const code = await exited;
    check('SIGTERM stops it cleanly', code === 0, `exit ${code} after ${Date.now() - t0} ms`);
    child = undefined;
  } finally {
    child?.kill('SIGKILL');
    await dropDatabase(dbName).catch(() => {});
    rmSync(base, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`check:container: ${results.length - failed.length} of ${results.length} checks ok`);
  if (failed.length) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
