/**
 * Durable backtest jobs (issue 19) on both engines (embedded PGlite on a data directory, and the
 * machine's PostgreSQL in a schema of its own): a finished job's figures read back equal after the
 * database is reopened; a job running when the console stopped is `interrupted` at the next start
 * with the progress it had; a cancel stops the scoring at the next chunk. Real models, real rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../tests/db-targets';
import { until } from '../../tests/console-harness';
import { auditRepo } from '../db/audit-repo';
import { backtestsRepo } from '../db/backtests-repo';
import { openDatabase, type Database } from '../db/client';
import { telemetryHistoryRepo } from '../db/telemetry-history-repo';
import { telemetryRepo, type StoredPoint } from '../db/telemetry-repo';
import { logger } from '../log';
import { loadModelPackage, type TwinModel } from '../model';
import { BacktestFinishedError, BacktestNotFoundError, startBacktests, type BacktestJob } from './backtest';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const N = 6_000;
const CHUNK = 200;
const ASSET = 'reactor-2';
const request = { name: 'reactor-yield', version: '1.0.0', assetId: ASSET, from: T0, to: T0 + N * 1_000 };

/** The same database opened again, as a restarted console would. */
interface Reopenable {
  open(): Promise<Database>;
  drop(): Promise<void>;
}

function pgliteDir(): Reopenable {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twinops-bt-'));
  return {
    open: () => openDatabase({ pgliteDir: path.join(dir, 'pglite') }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresSchema(): Reopenable {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    open: () => openDatabase({ url: TEST_DATABASE_URL, pgSchema: schema }),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

function reading(i: number) {
  return {
    assetId: ASSET,
    point: {
      seq: i,
      ts: T0 + i * 1_000,
      values: { temperature: 320 + (i % 80), pressure: 4 + (i % 5), flow: 80 + (i % 40) },
      prediction: null,
      lower: null,
      upper: null,
      modelVersion: null,
      inferenceMs: null,
      flags: [],
      ...(i % 3 === 0 ? {} : { actual: 84 + (i % 7) }),
    },
  };
}

/**
 * Holds the scoring loop before the chunk after `after` (the stored rows are the real ones), so a
 * test can stop or cancel it at a known point; counts the chunks the loop asked for.
 */
function gate(db: Database, after: number) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const state = { pulled: 0, release };
  const history = telemetryHistoryRepo(db.db);
  async function* rows(assetId: string, from: number, to: number, chunk?: number): AsyncGenerator<StoredPoint[]> {
    for await (const c of history.exportRows(assetId, from, to, chunk)) {
      if (state.pulled === after) await released;
      state.pulled++;
      yield c;
    }
  }
  return { state, rows };
}

let serving: TwinModel;

async function service(db: Database, rows?: ReturnType<typeof gate>['rows'], owner = 'host-a:/data') {
  const history = telemetryHistoryRepo(db.db);
  return startBacktests({
    loadVersion: (ref) => loadModelPackage(path.resolve('models', ref.name, ref.version)),
    serving: () => serving,
    hasAsset: (id) => id === ASSET,
    countRows: (assetId, from, to) => history.countRange(assetId, from, to),
    rows: rows ?? ((assetId, from, to, chunk) => history.exportRows(assetId, from, to, chunk)),
    repo: backtestsRepo(db.db),
    audit: auditRepo(db.db),
    logger,
    owner,
    chunkRows: CHUNK,
  });
}

beforeAll(async () => {
  serving = await loadModelPackage(path.resolve('models/reactor-yield/2.0.0'));
}, 30_000);
afterAll(async () => {
  await serving?.dispose();
});

describe.each([
  ['pglite', pgliteDir],
  ['postgres', postgresSchema],
] as const)('durable backtests on %s', (_name, target) => {
  let where: Reopenable;
  let db: Database;

  beforeAll(async () => {
    where = target();
    db = await where.open();
    await telemetryRepo(db.db).insertMany(Array.from({ length: N }, (_, i) => reading(i)));
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await where?.drop();
  });

  const reopen = async () => {
    await db.close();
    db = await where.open();
  };

  it('a finished job reads back equal, figures and overlay, after the database is reopened', async () => {
    const bt = await service(db);
    const started = await bt.start(request, 'ada');
    let job: BacktestJob = started;
    async function waitDone() {
      for (;;) {
        job = await bt.get(started.id);
        if (job.status !== 'running') return;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await waitDone();
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: N, total: N });
    expect(job.result!.candidate.scored).toBe(N);
    expect(job.result!.overlay.t).toHaveLength(200);
    await bt.close();

    await reopen();
    const after = await service(db);
    expect(await after.get(started.id)).toEqual(job);
    const page = await after.list(20);
    expect(page!.backtests[0]).toEqual(job);
    await after.close();
  }, 60_000);

  it('a job running when the console stops is interrupted after the restart, with its partial progress', async () => {
    const g = gate(db, 3);
    const bt = await service(db, g.rows);
    const started = await bt.start(request, 'ada');
    await until(() => g.state.pulled === 3, 30_000, 'three chunks scored');
    // The third chunk's progress is written before the loop asks for the fourth.
    let job = await bt.get(started.id);
    for (let i = 0; i < 100 && job.progress.done < 3 * CHUNK; i++) {
      await new Promise((r) => setTimeout(r, 20));
      job = await bt.get(started.id);
    }
    expect(job).toMatchObject({ status: 'running', progress: { done: 3 * CHUNK, total: N } });
    const closing = bt.close();
    g.state.release();
    await closing;
    // Not yet swept: the stop left it as it was.
    expect(await backtestsRepo(db.db).get(started.id)).toMatchObject({ status: 'running' });

    await reopen();
    const after = await service(db);
    const interrupted = await after.get(started.id);
    expect(interrupted).toMatchObject({
      status: 'interrupted',
      progress: { done: 3 * CHUNK, total: N },
      result: null,
    });
    expect(interrupted.finishedAt).toBeGreaterThanOrEqual(job.startedAt);
    // Nothing runs it any more: it stays interrupted and cannot be cancelled.
    await expect(after.cancel(started.id, 'ada')).rejects.toBeInstanceOf(BacktestFinishedError);
    await after.close();
  }, 60_000);

  it('cancel stops the scoring at the next chunk and keeps the progress; 409 once ended, 404 unknown; audited', async () => {
    const g = gate(db, 4);
    const bt = await service(db, g.rows);
    const started = await bt.start(request, 'ada');
    await until(() => g.state.pulled === 4, 30_000, 'four chunks scored');
    for (let i = 0; i < 100 && (await bt.get(started.id)).progress.done < 4 * CHUNK; i++)
      await new Promise((r) => setTimeout(r, 20));

    const cancelled = await bt.cancel(started.id, 'ada');
    expect(cancelled).toMatchObject({ status: 'cancelled', progress: { done: 4 * CHUNK, total: N }, result: null });
    g.state.release();
    // Rows scored stop growing: the loop takes at most the chunk it was waiting for, and stops.
    await new Promise((r) => setTimeout(r, 500));
    expect(g.state.pulled).toBeLessThanOrEqual(5);
    const later = await bt.get(started.id);
    expect(later).toMatchObject({ status: 'cancelled', progress: { done: 4 * CHUNK } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await bt.get(started.id)).progress.done).toBe(4 * CHUNK);
    expect(await backtestsRepo(db.db).get(started.id)).toMatchObject({ status: 'cancelled', progress: { done: 800 } });

    await expect(bt.cancel(started.id, 'ada')).rejects.toBeInstanceOf(BacktestFinishedError);
    await expect(bt.cancel('00000000-0000-4000-8000-000000000000', 'ada')).rejects.toBeInstanceOf(
      BacktestNotFoundError,
    );
    await expect(bt.cancel('not-a-uuid', 'ada')).rejects.toBeInstanceOf(BacktestNotFoundError);
    await expect(bt.get('not-a-uuid')).rejects.toBeInstanceOf(BacktestNotFoundError);

    const audit = await auditRepo(db.db).list({ action: 'backtest.cancel' });
    expect(audit.filter((a) => a.target === started.id).map((a) => a.outcome)).toEqual(['failure', 'success']);
    await bt.close();
  }, 60_000);

  it('another instance’s running job is left alone until its heartbeat goes stale', async () => {
    const repo = backtestsRepo(db.db);
    const job = (id: string, startedAt: number): BacktestJob => ({
      id,
      request,
      servingVersion: '2.0.0',
      status: 'running',
      progress: { done: 0, total: N },
      startedBy: 'bob',
      startedAt,
      finishedAt: null,
      error: null,
      result: null,
    });
    const fresh = '00000000-0000-4000-8000-00000000000a';
    const stale = '00000000-0000-4000-8000-00000000000b';
    await repo.insert(job(fresh, Date.now()), 'host-b:/data');
    await repo.insert(job(stale, Date.now() - 10 * 60_000), 'host-b:/data');
    // This instance (host-a) starts: host-b's fresh job runs on there, its stale one is abandoned.
    const bt = await service(db);
    expect((await bt.get(fresh)).status).toBe('running');
    expect((await bt.get(stale)).status).toBe('interrupted');
    // host-b restarts: its own jobs are over whatever their heartbeat.
    await (await service(db, undefined, 'host-b:/data')).close();
    expect((await bt.get(fresh)).status).toBe('interrupted');
    await bt.close();
  });

  it('lists newest first, a page at a time', async () => {
    const bt = await service(db);
    const all = (await bt.list(100))!.backtests;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = (await bt.list(2))!;
    expect(first.backtests.map((j) => j.id)).toEqual(all.slice(0, 2).map((j) => j.id));
    const second = (await bt.list(2, first.nextCursor!))!;
    expect(second.backtests[0]!.id).toBe(all[2]!.id);
    expect(await bt.list(2, '00000000-0000-4000-8000-000000000000')).toBeNull();
    await bt.close();
  });
});
