/**
 * `npm run bench:smoke`: runs every `bench:*` script of package.json (found there, so a new bench
 * is included without touching this file) in smoke mode, one after another, and fails when one
 * exits non-zero, prints no figures or prints NaN. It checks that each bench still runs, not
 * that it meets its targets (smoke figures are meaningless against them).
 *
 * The convention for a bench: honour `BENCH_SMOKE=1` (scripts/bench-mode.ts: `smokeOr(small,
 * full)`) by shrinking sizes and durations to a few seconds, print its figures with their units
 * (ms, µs, req/s, rows/s, MB, %...), exit 0 unless the run itself broke, and take a free port
 * (port 0) rather than a fixed one in smoke mode. The whole smoke run must stay within ~4 minutes
 * on a loaded 2-core machine (a build of the web app, if one is due, included).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Longest a single bench may take in smoke mode before it counts as hung. */
const PER_BENCH_TIMEOUT_MS = 180_000;
/** A figure: a number followed by a unit. */
const FIGURE = /\d[\d,.]*\s*(ms|µs|s\b|req\/s|rows\/s|predictions\/s|messages\/s|MB|%)/;

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const benches = Object.keys(pkg.scripts).filter((name) => name.startsWith('bench:') && name !== 'bench:smoke');

function run(name: string): Promise<{ code: number | null; output: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', name], {
      env: { ...process.env, BENCH_SMOKE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a hung bench goes with its servers
    });
    let output = '';
    const keep = (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d.toString().replace(/^(?=.)/gm, `  [${name}] `));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      output += `\n(timed out after ${PER_BENCH_TIMEOUT_MS / 1000} s)`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, PER_BENCH_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: performance.now() - t0 });
    });
  });
}

async function main(): Promise<void> {
  console.log(`bench:smoke — ${benches.length} benches in smoke mode (BENCH_SMOKE=1): ${benches.join(', ')}`);
  const failures: string[] = [];
  const summary: string[] = [];
  for (const name of benches) {
    const { code, output, ms } = await run(name);
    const figures = output.split('\n').filter((l) => FIGURE.test(l)).length;
    const problem =
      code !== 0
        ? `exited with ${code}`
        : figures === 0
          ? 'printed no figures'
          : /\bNaN\b/.test(output)
            ? 'printed NaN'
            : null;
    summary.push(
      `${problem ? 'FAIL' : 'ok  '} ${name.padEnd(16)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${figures} lines of figures${problem ? `  (${problem})` : ''}`,
    );
    if (problem) failures.push(`${name}: ${problem}`);
  }
  console.log(`\n${summary.join('\n')}`);
  if (failures.length) {
    console.error(`\nbench:smoke failed: ${failures.join('; ')}`);
    process.exit(1);
  }
}

void main();
