// The tests, the cluster and the screenshot need a few programs that npm cannot bring. There is
// no download here but Debian's packages, so each missing one is installed with apt-get when we
// are root (CI, a fresh machine of this kind); otherwise the exact command to run is printed.
// Usage: node scripts/ensure-tools.mjs <tool>...   tools: chromium, nginx, sklearn
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// As lib/import/sklearn-import.ts looks for it: the configured one, then python3 on PATH (which
// may be a pyenv without Debian's packages), then Debian's own.
const pythons = [process.env.TWINOPS_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
const TOOLS = {
  chromium: {
    why: 'Chromium for the browser tests',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    packages: ['chromium'],
    otherwise: 'Install Chromium and set CHROMIUM_PATH to its executable.',
  },
  nginx: {
    why: 'nginx, the load balancer of npm run cluster and its tests',
    present: () => existsSync(process.env.NGINX_PATH ?? '/usr/sbin/nginx'),
    packages: ['nginx'],
    // Only the binary is used (a foreground child with its own configuration): the package's
    // system service must not start (port 80, a config of its own).
    noServices: true,
    otherwise: 'Install nginx and set NGINX_PATH to its executable.',
  },
  sklearn: {
    why: 'Python with scikit-learn for the model:import tests (never needed by the console)',
    present: () =>
      pythons.some((py) => spawnSync(py, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' }).status === 0),
    packages: ['python3-sklearn'],
    otherwise: 'Install scikit-learn for python3, or set TWINOPS_PYTHON to a Python that has it.',
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted)
  if (!(name in TOOLS)) fail(`unknown tool "${name}" (known: ${Object.keys(TOOLS).join(', ')})`);
const missing = wanted.map((name) => TOOLS[name]).filter((tool) => !tool.present());
if (!missing.length) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const packages = missing.flatMap((tool) => tool.packages);
if (!isRoot || !hasApt) {
  for (const tool of missing) console.error(`Missing: ${tool.why}.`);
  console.error(
    hasApt
      ? `Install with:  sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`
      : missing.map((tool) => tool.otherwise).join('\n'),
  );
  process.exit(1);
}

console.log(`Installing Debian's ${packages.join(', ')} (${missing.map((t) => t.why).join('; ')})...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// policy-rc.d answering 101 ("action forbidden") is Debian's way to keep installed services down.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = missing.some((tool) => tool.noServices) && !existsSync(POLICY);
if (ownPolicy)
  writeFileSync(POLICY, '#!/bin/sh\n# written by twinops scripts/ensure-tools.mjs during apt-get\nexit 101\n', {
    mode: 0o755,
  });
process.on('exit', () => ownPolicy && rmSync(POLICY, { force: true }));
for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
  if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) fail(`apt-get ${args.join(' ')} failed`);
}
for (const tool of missing)
  if (!tool.present()) fail(`installed ${tool.packages.join(' ')} but still missing: ${tool.why}`);

function fail(message) {
  console.error(message);
  process.exit(1);
}
