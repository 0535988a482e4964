import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import type { Database } from '../db/client';
import { telemetryHistoryRepo } from '../db/telemetry-history-repo';
import { telemetryRepo } from '../db/telemetry-repo';
import { logger } from '../log';
import { createRetentionJob } from './retention';
import type { Point } from './types';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
const pt = (ts: number, seq: number): Point => ({
  seq,
  ts,
  values: { temperature: 350, pressure: 6, flow: 100 },
  prediction: 85,
  lower: 84,
  upper: 86,
  modelVersion: '1.0.0',
  inferenceMs: 1,
  flags: [],
});

describe.each(DB_TARGETS)('retention on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  }, 60_000);
  afterAll(() => database?.drop());

  it('deletes only readings older than RETENTION_DAYS, of every asset, in batches', async () => {
    const repo = telemetryRepo(database.db);
    // reactor-1: 250 readings 40..31 days old, 50 within the last 30 days; reactor-2: 30 old, 20 recent.
    const rows = [
      ...Array.from({ length: 250 }, (_, i) => ({
        assetId: 'reactor-1',
        point: pt(NOW - 40 * DAY + i * 3_000_000, i),
      })),
      ...Array.from({ length: 50 }, (_, i) => ({
        assetId: 'reactor-1',
        point: pt(NOW - 30 * DAY + 60_000 + i * 60_000, 250 + i),
      })),
      ...Array.from({ length: 30 }, (_, i) => ({ assetId: 'reactor-2', point: pt(NOW - 31 * DAY - i * 1_000, i) })),
      ...Array.from({ length: 20 }, (_, i) => ({ assetId: 'reactor-2', point: pt(NOW - i * 1_000, 30 + i) })),
    ];
    await repo.insertMany(rows);
    const history = telemetryHistoryRepo(database.db);
    const calls: number[] = [];
    const job = createRetentionJob({
      repo: {
        assetIds: () => history.assetIds(),
        deleteOlderThan: async (a, b, l) => {
          const n = await history.deleteOlderThan(a, b, l);
          calls.push(n);
          return n;
        },
      },
      retentionDays: 30,
      logger,
      batchSize: 100,
      now: () => NOW,
    });
    expect(await job.runOnce()).toEqual({ 'reactor-1': 250, 'reactor-2': 30 });
    // Batches of at most 100: 100, 100, 50 for reactor-1; 30 for reactor-2.
    expect(calls).toEqual([100, 100, 50, 30]);
    expect(await repo.count('reactor-1')).toBe(50);
    expect(await repo.count('reactor-2')).toBe(20);
    const kept = await repo.range('reactor-1', new Date(0), new Date(NOW));
    expect(Math.min(...kept.map((p) => p.ts))).toBeGreaterThanOrEqual(NOW - 30 * DAY);
    expect(await job.runOnce()).toEqual({});
    await job.stop();
  });
});
