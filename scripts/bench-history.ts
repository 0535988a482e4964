/**
 * `npm run bench:history`: one asset with one day at 10 Hz (864,000 readings) stored, then
 *  1. a full-day history query downsampled to 2,000 points per signal (all five signals), p50
 *     over several runs, on embedded PGlite and on PostgreSQL (127.0.0.1:5432 db test, a schema
 *     of its own, dropped after). Targets: <= 1 s PGlite, <= 300 ms PostgreSQL;
 *  2. storage per reading on each engine (pg_total_relation_size of every partition of the
 *     table / count: table + indexes + TOAST);
 *  3. the day's CSV export through HTTP from a separate console process on the PGlite copy, with
 *     that process's RSS growth during the download. Target < 50 MB;
 *  4. plant scale (issue 18): 30 days at 1 Hz on PGlite (2.6 M readings) and a year at 1 Hz on
 *     PostgreSQL (31.5 M readings), loaded day by day with each day's rollup built, then the
 *     full range to 2,000 points per signal. Targets: <= 1 s PGlite, <= 500 ms PostgreSQL,
 *     the one spike kept. The year takes a while to load (~10-20 min on these machines).
 * Usage: npm run bench:history -- [--runs 7] [--skip-postgres] [--skip-export] [--skip-long] [--year-days 365]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, type Database } from '../lib/db/client';
import { telemetryHistoryRepo } from '../lib/db/telemetry-history-repo';
import { DAY_MS, telemetryPartitions } from '../lib/db/telemetry-partitions';
import { rebuildRollup } from '../lib/db/telemetry-rollup';
import { queryHistory, type HistoryQuery } from '../lib/twin/history';
import { TEST_DATABASE_URL } from '../tests/db-targets';
import { BENCH_SMOKE, smokeOr } from './bench-mode';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: smokeOr('2', '7') },
    'skip-postgres': { type: 'boolean', default: false },
    'skip-export': { type: 'boolean', default: false },
    'skip-long': { type: 'boolean', default: false },
    'year-days': { type: 'string', default: '365' },
  },
});
const RUNS = Number(args.runs);
const ASSET = 'reactor-1';
// Smoke mode: one hour instead of a day.
const ROWS = smokeOr(36_000, 864_000);
/** The one reading far above the rest, which downsampling must keep. */
const SPIKE = Math.min(500_000, Math.floor(ROWS / 2));
const T0 = Date.parse('2026-11-01T00:00:00Z');
const DAY_END = T0 + ROWS * 100 - 1;
const FEATURES = ['temperature', 'pressure', 'flow'];

/** 864,000 rows at 10 Hz by generate_series, in slices (PGlite's memory stays small). */
async function seed(database: Database): Promise<number> {
  // The day partitions a live installation would have made ahead of these readings.
  await telemetryPartitions(database.db).ensure(T0, DAY_END + 1);
  const t0 = performance.now();
  const slice = 108_000;
  for (let start = 0; start < ROWS; start += slice) {
    await database.db.execute(sql`
      insert into telemetry (asset_id, ts, values, prediction, lower, upper, actual, model_version, flags)
      select ${ASSET}, to_timestamp((${T0}::float8 + g * 100) / 1000),
             jsonb_build_object('temperature', 350 + 5 * sin(g / 3000.0) + case when g = ${SPIKE} then 80 else 0 end,
                                'pressure', 6 + 0.2 * cos(g / 2000.0), 'flow', 100 + 3 * sin(g / 700.0)),
             85 + 2 * sin(g / 5000.0), 83 + 2 * sin(g / 5000.0), 87 + 2 * sin(g / 5000.0), 85.5, '1.0.0', '{}'::text[]
      from generate_series(${start}::int, ${Math.min(ROWS, start + slice) - 1}::int) g`);
  }
  return performance.now() - t0;
}

/** The telemetry table's size: the sum over its partitions (the partitioned parent itself holds nothing). */
const TELEMETRY_BYTES = sql.raw(
  `(select coalesce(sum(pg_total_relation_size(relid)), 0) from pg_partition_tree('telemetry'))::float8`,
);

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** RUNS timed runs of `q` after one that warms the caches: the times, points per signal, whether the spike survived. */
async function timeQuery(repo: ReturnType<typeof telemetryHistoryRepo>, q: HistoryQuery) {
  const times: number[] = [];
  let points = 0;
  let spikeKept = false;
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    const r = await queryHistory(repo, ASSET, q, FEATURES);
    if (i > 0) times.push(performance.now() - t);
    points = Math.max(...Object.values(r.series).map((x) => x.t.length));
    spikeKept = r.series.temperature!.v.some((v) => v > 420);
  }
  return { times, points, spikeKept };
}

async function queryBench(name: string, database: Database): Promise<void> {
  const seedMs = await seed(database);
  // Bulk-loaded around the repository: build its 10 s rollup as the migration does for old data.
  const r0 = performance.now();
  await rebuildRollup(database.db, ASSET);
  const rollupMs = performance.now() - r0;
  const rows = await database.db.execute(sql`select ${TELEMETRY_BYTES} as bytes, count(*)::float8 as n from telemetry`);
  const { bytes, n } = (rows as unknown as { rows: { bytes: number; n: number }[] }).rows[0]!;
  const rollupRows = await database.db.execute(sql`select pg_total_relation_size('telemetry_rollup')::float8 as bytes`);
  const rollupBytes = (rollupRows as unknown as { rows: { bytes: number }[] }).rows[0]!.bytes;
  const repo = telemetryHistoryRepo(database.db);
  const q: HistoryQuery = { from: T0, to: DAY_END, maxPoints: 2_000, signals: [...FEATURES, 'prediction', 'actual'] };
  const { times, points, spikeKept } = await timeQuery(repo, q);
  console.log(
    `${name.padEnd(10)} seed ${Math.round(seedMs)} ms (${Math.round(ROWS / (seedMs / 1000))} rows/s), rollup rebuilt in ${Math.round(rollupMs)} ms | full-day query -> ${points} pts/signal, spike kept: ${spikeKept} | p50 ${Math.round(p50(times))} ms (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))}, ${RUNS} runs) | storage ${Math.round(bytes / n)} bytes/reading (${(bytes / 1e6).toFixed(0)} MB for ${n} rows) + rollup ${(rollupBytes / 1e6).toFixed(1)} MB`,
  );
}

/**
 * `days` of one asset, one reading every `stepMs`, loaded a day at a time by generate_series with
 * that day's rollup rebuilt right after (as the live inserts would have kept it), one spike in the
 * middle; then the whole range downsampled to 2,000 points per signal.
 */
async function longRangeBench(name: string, database: Database, days: number, stepMs: number, targetMs: number) {
  const perDay = 86_400_000 / stepMs;
  const total = days * perDay;
  const spikeAt = Math.floor(total / 2) + 17;
  const start = Date.parse('2025-11-01T00:00:00Z');
  await telemetryPartitions(database.db).ensure(start, start + days * DAY_MS);
  const t0 = performance.now();
  for (let day = 0; day < days; day++) {
    const first = day * perDay;
    await database.db.execute(sql`
      insert into telemetry (asset_id, ts, values, prediction, lower, upper, actual, model_version, flags)
      select ${ASSET}, to_timestamp((${start}::float8 + g::float8 * ${stepMs}) / 1000),
             jsonb_build_object('temperature', 350 + 5 * sin(g / 30000.0) + case when g = ${spikeAt} then 80 else 0 end,
                                'pressure', 6 + 0.2 * cos(g / 20000.0), 'flow', 100 + 3 * sin(g / 7000.0)),
             85 + 2 * sin(g / 50000.0), 83 + 2 * sin(g / 50000.0), 87 + 2 * sin(g / 50000.0), 85.5, '1.0.0', '{}'::text[]
      from generate_series(${first}::int, ${first + perDay - 1}::int) g`);
    await rebuildRollup(database.db, ASSET, { from: start + day * 86_400_000, to: start + (day + 1) * 86_400_000 });
  }
  const loadMs = performance.now() - t0;
  const [size] = (
    (await database.db.execute(
      sql`select ${TELEMETRY_BYTES} as bytes, pg_total_relation_size('telemetry_rollup')::float8 as rollup`,
    )) as unknown as { rows: { bytes: number; rollup: number }[] }
  ).rows;
  const repo = telemetryHistoryRepo(database.db);
  const q: HistoryQuery = {
    from: start,
    to: start + days * 86_400_000 - 1,
    maxPoints: 2_000,
    signals: [...FEATURES, 'prediction', 'actual'],
  };
  const { times, points, spikeKept } = await timeQuery(repo, q);
  const ms = p50(times);
  console.log(
    `${name.padEnd(10)} ${days} days at ${stepMs >= 60_000 ? `one reading per ${stepMs / 60_000} min` : `${1000 / stepMs} Hz`} (${total.toLocaleString('en')} readings, loaded in ${(loadMs / 1000).toFixed(0)} s) | full range -> ${points} pts/signal, spike kept: ${spikeKept} | p50 ${Math.round(ms)} ms (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))}; target <= ${targetMs} ms: ${ms <= targetMs ? 'met' : 'NOT met'}) | storage ${Math.round(size!.bytes / total)} bytes/reading + rollup ${Math.round(size!.rollup / total)} bytes/reading`,
  );
  if (!spikeKept) throw new Error('the spike was lost');
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function exportBench(seededDir: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-history-server.ts'], {
    env: { ...process.env, BENCH_SEEDED_PGLITE: seededDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const ready = await new Promise<{ port: number; cookie: string; pid: number }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (.+)\n/.exec(out);
        if (m) resolve(JSON.parse(m[1]!) as { port: number; cookie: string; pid: number });
      });
      child.once('exit', (code) => reject(new Error(`export server exited (${code})`)));
    });
    const headers = { cookie: ready.cookie };
    const url = (to: number) => `http://127.0.0.1:${ready.port}/api/v1/assets/${ASSET}/export.csv?from=${T0}&to=${to}`;
    const cold = rssOf(ready.pid);
    // Warm-up: the first hour (36,000 rows) brings in the code paths and fills the database's
    // fixed cache (PGlite's 32 MB shared_buffers live in the process); growth is measured after.
    await (await fetch(url(T0 + 3_600_000), { headers })).arrayBuffer();
    const before = rssOf(ready.pid);
    let peak = before;
    let atQuarter = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(ready.pid))), 50);
    const t0 = performance.now();
    const res = await fetch(url(DAY_END), { headers });
    if (!res.ok || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) lines++;
      if (!atQuarter && lines > ROWS / 4) atQuarter = peak;
    }
    clearInterval(sampler);
    const ms = performance.now() - t0;
    console.log(
      `csv export (PGlite, over HTTP): ${lines - 1} rows, ${(bytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s (${Math.round((lines - 1) / (ms / 1000))} rows/s) | server RSS cold ${(cold / 1e6).toFixed(0)} MB, after warm-up ${(before / 1e6).toFixed(0)} MB -> peak ${(peak / 1e6).toFixed(0)} MB: growth ${((peak - before) / 1e6).toFixed(1)} MB (target < 50 MB); peak at 25 % of the rows ${(atQuarter / 1e6).toFixed(0)} MB, at 100 % ${(peak / 1e6).toFixed(0)} MB`,
    );
    if (lines - 1 !== ROWS) throw new Error(`expected ${ROWS} rows, got ${lines - 1}`);
  } finally {
    child.kill('SIGTERM');
  }
}

async function main() {
  console.log(
    `bench:history — ${ROWS} readings (${BENCH_SMOKE ? 'smoke: one hour' : 'one day'} at 10 Hz); targets: query p50 <= 1 s PGlite, <= 300 ms PostgreSQL; export RSS growth < 50 MB`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twinops-bench-history-'));
  const pgliteDir = path.join(dir, 'pglite');
  try {
    const lite = await openDatabase({ pgliteDir });
    try {
      await queryBench('pglite', lite);
    } finally {
      await lite.close();
    }
    if (!args['skip-postgres']) {
      const schema = `bench_history_${process.pid}`;
      const pgDb = await openDatabase({ url: TEST_DATABASE_URL, pgSchema: schema });
      try {
        await queryBench('postgres', pgDb);
      } finally {
        await pgDb.close();
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    }
    if (!args['skip-export']) await exportBench(pgliteDir);
    if (!args['skip-long']) await plantScale(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Section 4. Smoke mode keeps the shape (30 days, a year) with one reading every 10 min / hour. */
async function plantScale(dir: string): Promise<void> {
  const lite = await openDatabase({ pgliteDir: path.join(dir, 'pglite-30d') });
  try {
    await longRangeBench('pglite', lite, 30, smokeOr(600_000, 1_000), 1_000);
  } finally {
    await lite.close();
  }
  if (args['skip-postgres']) return;
  const schema = `bench_history_year_${process.pid}`;
  const pgDb = await openDatabase({ url: TEST_DATABASE_URL, pgSchema: schema });
  try {
    await longRangeBench('postgres', pgDb, Number(args['year-days']), smokeOr(3_600_000, 1_000), 500);
  } finally {
    await pgDb.close();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
