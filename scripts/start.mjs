// Production start: builds the Next app when there is no build or the sources changed since the
// last one, then runs the console (server.ts) with NODE_ENV=production. `--build-only` stops after
// the build (the browser tests use it before starting their own server).
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const stampFile = path.join(root, '.next', 'twinops-build-stamp');
const SOURCES = [
  'app',
  'components',
  'lib',
  'types',
  'proxy.ts',
  'next.config.js',
  'package-lock.json',
  'tsconfig.json',
];

/** A hash of every source file's path, size and mtime: cheap, and changes whenever a build would. */
function sourceStamp() {
  const h = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== 'node_modules') walk(path.join(p, name));
    } else {
      h.update(`${path.relative(root, p)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const s of SOURCES) walk(path.join(root, s));
  return h.digest('hex');
}

const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };
const stamp = sourceStamp();
const built =
  existsSync(path.join(root, '.next', 'BUILD_ID')) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === stamp;
if (!built) {
  console.log('twinops: building the web app (first start or sources changed)...');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stampFile, stamp);
}
if (process.argv.includes('--build-only')) process.exit(0);
// V8 flags of the console process (scripts/console-node-flags.json; the Dockerfile's CMD repeats
// them): a 64 MB young generation semi-space instead of 16 MB, so the short-lived objects of
// ingest (parsed bodies, points, socket frames) mostly die before a scavenge has to copy them;
// bench:ingest on PostgreSQL spent 14-18 % of the console's CPU in GC, and ~12 % less CPU per
// reading with it (5 interleaved pairs: 28.1-32.5 -> 25.1-28.7 ms per 1,000 readings), for no
// measurable change in peak RSS under that load (~400 MB either way).
const nodeFlags = JSON.parse(readFileSync(path.join(root, 'scripts', 'console-node-flags.json'), 'utf8'));
const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(root, 'server.ts')], {
  stdio: 'inherit',
  env,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
