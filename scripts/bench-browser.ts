/**
 * `npm run bench:browser`: what the live dashboard costs the browser's main thread. The real
 * console (production build, scripts/bench-browser-server.ts) in its own process; one asset fed
 * at 10 Hz over the ingest API, after a prefill of the last hour (36,000 readings); headless
 * Chromium (Playwright, the flags of playwright.config.ts, software rendering) shows the dashboard
 * as a signed-in viewer. Per time window (60 and 5 minutes) it measures, over `--seconds`:
 * - frame times: the deltas between requestAnimationFrame callbacks (p50, p95, max, fps);
 * - long tasks: PerformanceObserver 'longtask' (tasks over 50 ms): count, total ms and their
 *   share of the measured time;
 * - the main thread's total task time (CDP Performance.getMetrics TaskDuration) as a share.
 * and prints them beside the targets (issue 18): long tasks <= 10 % of the main thread and frame
 * p95 <= 33 ms at the 60-minute window.
 *
 * Usage: npm run bench:browser -- [--seconds 20] [--windows 60,5] [--runs 1]
 * BENCH_SMOKE=1: 3,000 readings prefilled, 3 s per window.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium, devices, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config';
import { assayedYield } from '../lib/plant/ground-truth';
import { DEFAULT_ASSETS, DEFAULT_SIGNALS, Simulator } from '../lib/plant/simulator';
import { smokeOr } from './bench-mode';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: smokeOr('3', '20') },
    windows: { type: 'string', default: '60,5' },
    runs: { type: 'string', default: '1' },
    prefill: { type: 'string', default: smokeOr('3000', '36000') },
    // Writes a Chrome trace (open in chrome://tracing or Perfetto) of each window's measurement.
    trace: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const WINDOWS = args.windows!.split(',').map(Number);
const RUNS = Number(args.runs);
const PREFILL = Number(args.prefill);
const RATE_HZ = 10;
const ASSET = 'reactor-1';
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];
const TARGETS = { longTaskShare: 10, frameP95Ms: 33 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Ready {
  port: number;
  key: string;
  cookie: string;
  pid: number;
}

async function startServer(): Promise<{ ready: Ready; stop: () => void }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-browser-server.ts'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => proc.kill('SIGTERM');
  process.once('exit', () => proc.kill('SIGKILL'));
  const ready = await new Promise<Ready>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as Ready);
    });
    proc.once('exit', (code) => reject(new Error(`bench console exited with ${code}`)));
  });
  return { ready, stop };
}

/** The plant's process model for one reactor, stepped at the stream's rate. */
function plant() {
  const sim = new Simulator({
    assets: DEFAULT_ASSETS.slice(0, 1),
    signals: DEFAULT_SIGNALS,
    seed: 7,
    truth: assayedYield(7),
  });
  return (ts: number) => sim.step(1 / RATE_HZ, ts)[0]!;
}

async function post(ready: Ready, body: unknown): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${ready.port}/api/v1/assets/${ASSET}/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ready.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Prefills the last `count` readings at 10 Hz, then feeds one reading every 100 ms until stopped. */
async function feed(ready: Ready): Promise<{ stop: () => void; sent: () => number }> {
  const next = plant();
  const period = 1000 / RATE_HZ;
  let ts = Date.now() - PREFILL * period;
  let sent = 0;
  const toBody = (r: ReturnType<typeof next>) => ({ ts: r.ts, values: r.values, actual: r.actual });
  for (let k = 0; k < PREFILL;) {
    const batch = [];
    for (let j = 0; j < 2_000 && k < PREFILL; j++, k++) batch.push(toBody(next((ts += period))));
    await post(ready, batch);
    sent += batch.length;
  }
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const due = ts + period;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      ts = Math.max(due, Date.now());
      await post(ready, toBody(next(ts))).catch((err: unknown) => {
        if (!stopped) console.error(err);
      });
      sent++;
    }
  };
  void loop();
  return { stop: () => (stopped = true), sent: () => sent };
}

interface Figures {
  window: number;
  points: number;
  frames: number;
  p50: number;
  p95: number;
  max: number;
  fps: number;
  longTasks: number;
  longMs: number;
  longShare: number;
  busyShare: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Shows `window` minutes, lets it settle, then measures for SECONDS. */
async function measure(page: Page, window: number): Promise<Figures> {
  await page
    .getByRole('group', { name: 'Time window' })
    .getByRole('button', { name: `${window} min`, exact: true })
    .click();
  const chart = page.getByTestId('conditions-chart');
  // Settled: the window's points (buffer and backfill) are on the chart and stop growing by much.
  const expected = Math.min(PREFILL, window * 60 * RATE_HZ) * 0.05;
  await page.waitForFunction(
    (min) => Number(document.querySelector('[data-testid="conditions-chart"]')?.getAttribute('data-points')) >= min,
    Math.min(expected, 500),
    { timeout: 60_000 },
  );
  await page.waitForTimeout(smokeOr(1_000, 4_000));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  if (args.trace)
    await page
      .context()
      .browser()!
      .startTracing(page, { path: `${args.trace}-${window}min.json`, categories: TRACE_CATEGORIES });
  const task0 = await taskSeconds();
  const wall0 = Date.now();
  const inPage = await page.evaluate(async (ms) => {
    const frames: number[] = [];
    const long: number[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push(e.duration);
    });
    obs.observe({ type: 'longtask' });
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      let last = t0;
      const tick = (t: number) => {
        frames.push(t - last);
        last = t;
        if (t - t0 < ms) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    obs.disconnect();
    return { frames: frames.slice(1), long, elapsed: performance.now() - t0 };
  }, SECONDS * 1000);
  const busy = (await taskSeconds()) - task0;
  const wall = Date.now() - wall0;
  if (args.trace) await page.context().browser()!.stopTracing();
  await cdp.detach();
  const points = Number(await chart.getAttribute('data-points'));
  const sorted = [...inPage.frames].sort((a, b) => a - b);
  const longMs = inPage.long.reduce((a, b) => a + b, 0);
  return {
    window,
    points,
    frames: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? 0,
    fps: (sorted.length / inPage.elapsed) * 1000,
    longTasks: inPage.long.length,
    longMs,
    longShare: (100 * longMs) / inPage.elapsed,
    busyShare: (100 * busy * 1000) / wall,
  };
}

function print(f: Figures): void {
  const target =
    f.window === 60
      ? `  (targets: long tasks <= ${TARGETS.longTaskShare} %: ${f.longShare <= TARGETS.longTaskShare ? 'met' : 'NOT met'}; frame p95 <= ${TARGETS.frameP95Ms} ms: ${f.p95 <= TARGETS.frameP95Ms ? 'met' : 'NOT met'})`
      : '';
  console.log(
    `${String(f.window).padStart(2)}-min window, ${f.points} points per trace: frame p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, ` +
      `max ${f.max.toFixed(0)} ms, ${f.fps.toFixed(1)} fps; long tasks ${f.longTasks} totalling ${f.longMs.toFixed(0)} ms = ` +
      `${f.longShare.toFixed(1)} % of the main thread; all tasks ${f.busyShare.toFixed(1)} %${target}`,
  );
}

async function main(): Promise<void> {
  // Debian's Chromium (installed when missing, as `npm run test:e2e` does), and the web app built
  // when its sources changed (as `npm start` does).
  if (spawnSync(process.execPath, ['scripts/ensure-tools.mjs', 'chromium'], { stdio: 'inherit' }).status !== 0)
    throw new Error('no Chromium');
  const build = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the web app did not build');
  const { ready, stop } = await startServer();
  const feeder = await feed(ready);
  console.log(
    `bench:browser: ${feeder.sent()} readings prefilled for ${ASSET}, then ${RATE_HZ} Hz live; ${SECONDS} s per window`,
  );
  const launch = playwrightConfig.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, headless: true });
  try {
    const context = await browser.newContext({ ...devices['Desktop Chrome'] });
    const [name, value] = ready.cookie.split(/=(.*)/s) as [string, string];
    await context.addCookies([{ name, value, url: `http://127.0.0.1:${ready.port}` }]);
    // tsx (esbuild, keepNames) wraps the functions handed to page.evaluate in a `__name` helper
    // that exists only in Node.
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${ready.port}/`);
    await page.getByTestId('conditions-chart').locator('.js-plotly-plot').waitFor({ timeout: 60_000 });
    for (let run = 1; run <= RUNS; run++) {
      if (RUNS > 1) console.log(`run ${run}/${RUNS}`);
      for (const w of WINDOWS) print(await measure(page, w));
    }
  } finally {
    await browser.close();
    feeder.stop();
    stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
