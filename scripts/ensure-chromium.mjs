// Playwright needs a Chromium; browser downloads are impossible here, so use Debian's package.
// Installs it when missing and we are root with apt-get; otherwise says exactly what to run.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(`Chromium is needed for the browser tests and was not found at ${CHROMIUM}.`);
  console.error(
    hasApt
      ? 'Install it with:  sudo apt-get update && sudo apt-get install -y chromium'
      : 'Install Chromium and set CHROMIUM_PATH to its executable.',
  );
  process.exit(1);
}
console.log('Installing Debian chromium for the browser tests (about a minute)...');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`apt-get ${args.join(' ')} failed`);
    process.exit(1);
  }
}
if (!existsSync(CHROMIUM)) {
  console.error(`chromium installed but ${CHROMIUM} is missing`);
  process.exit(1);
}
