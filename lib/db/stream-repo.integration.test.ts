/**
 * The stream's last fence against two owners (asset_streams.last_seq, raised in each commit's
 * transaction), on both engines: a commit whose seqs are not all above the stored last seq is
 * refused whole, two concurrent commits of the same seqs store one, an asset never taken cannot
 * be numbered, and a new owner continues the stored epoch and seq.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import type { Database } from './client';
import { SeqTakenError, streamRepo, type SequencedRow } from './stream-repo';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const row = (assetId: string, seq: number, ts = T0 + seq * 1_000): SequencedRow => ({
  assetId,
  seq,
  pending: false,
  point: {
    ts,
    values: { temperature: 350 },
    prediction: 85,
    lower: 84,
    upper: 86,
    modelVersion: '1.0.0',
    inferenceMs: null,
    flags: [],
  },
});

describe.each(DB_TARGETS)('stream seq fence on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  }, 60_000);
  afterAll(() => database?.drop());

  const seqsOf = async (assetId: string) =>
    (
      (await database.db.execute(
        sql`select seq::float8 as seq from telemetry where asset_id = ${assetId} and seq is not null order by seq`,
      )) as unknown as { rows: { seq: number }[] }
    ).rows.map((r) => r.seq);

  it('refuses seqs at or below the stored last seq, whole, and continues after it', async () => {
    const repo = streamRepo(database.db, () => 'test_channel');
    const head = await repo.head('reactor-1', 'i1');
    expect(head.lastSeq).toBe(-1);
    await repo.commit([row('reactor-1', 0), row('reactor-1', 1), row('reactor-1', 2)]);
    expect(await repo.peek('reactor-1')).toEqual({ epoch: head.epoch, lastSeq: 2 });
    // A second owner still at seq 1 (other readings, other times): refused, nothing of it stored.
    const stale = [row('reactor-1', 2, T0 + 60_000), row('reactor-1', 3, T0 + 61_000)];
    await expect(repo.commit(stale)).rejects.toBeInstanceOf(SeqTakenError);
    expect(await seqsOf('reactor-1')).toEqual([0, 1, 2]);
    await repo.commit([row('reactor-1', 3)]);
    // A new owner continues the same epoch after the stored seq.
    expect(await repo.head('reactor-1', 'i2')).toMatchObject({ epoch: head.epoch, lastSeq: 3 });
  });

  it('stores one of two concurrent commits of the same seqs', async () => {
    const a = streamRepo(database.db, () => 'test_channel');
    const b = streamRepo(database.db, () => 'test_channel');
    await a.head('reactor-2', 'i1');
    const results = await Promise.allSettled([
      a.commit([row('reactor-2', 0), row('reactor-2', 1)]),
      b.commit([row('reactor-2', 0, T0 + 90_000), row('reactor-2', 1, T0 + 91_000)]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(SeqTakenError) });
    expect(await seqsOf('reactor-2')).toEqual([0, 1]);
  });

  it('refuses to number an asset nobody took', async () => {
    const repo = streamRepo(database.db, () => 'test_channel');
    await expect(repo.commit([row('reactor-9', 0)])).rejects.toBeInstanceOf(SeqTakenError);
    // Late readings (no seq) of it are stored as before.
    expect((await repo.commit([{ ...row('reactor-9', 0), seq: null }])).size).toBe(1);
  });
});
