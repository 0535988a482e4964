// `npm run cluster` and the balancer tests need nginx; there is no download but Debian's packages,
// so install Debian's nginx when it is missing and we are root with apt-get (as ensure-chromium.mjs
// does for Chromium); otherwise say exactly what to run. Only the binary is used: the cluster runs
// it as a foreground child with its own configuration, never the system service.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
if (existsSync(NGINX)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(`nginx (the load balancer of npm run cluster) was not found at ${NGINX}.`);
  console.error(
    hasApt
      ? 'Install it with:  sudo apt-get update && sudo apt-get install -y nginx'
      : 'Install nginx and set NGINX_PATH to its executable.',
  );
  process.exit(1);
}
console.log('Installing Debian nginx for the load balancer (under a minute)...');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// Debian starts a service when its package is installed; this one must not run (port 80, a
// config of its own): policy-rc.d answering 101 ("action forbidden") is Debian's way to say so.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(POLICY);
if (ownPolicy)
  writeFileSync(POLICY, '#!/bin/sh\n# written by twinops scripts/ensure-nginx.mjs during apt-get\nexit 101\n', {
    mode: 0o755,
  });
process.on('exit', () => ownPolicy && rmSync(POLICY, { force: true }));
for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'nginx']]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`apt-get ${args.join(' ')} failed`);
    process.exit(1);
  }
}
if (!existsSync(NGINX)) {
  console.error(`nginx installed but ${NGINX} is missing`);
  process.exit(1);
}
