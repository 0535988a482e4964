/**
 * The stream's last fence against two owners (asset_streams.last_seq, raised in each commit's
 * transaction), on both engines: a commit whose seqs are not all above the stored last seq is
 * refused whole, two concurrent commits of the same seqs store one, an asset never taken cannot
 * be numbered, a commit of an owner whose claim was taken over is refused (before or while the new
 * owner takes it), and a new owner continues the stored epoch and seq.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import type { Database } from './client';
import { NotOwnerError, SeqTakenError, streamRepo, type SequencedRow } from './stream-repo';

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

  it('refuses the commit of an owner whose claim was taken over, whole, and lets the claim holder go on', async () => {
    const repo = streamRepo(database.db, () => 'test_channel');
    const first = await repo.head('reactor-3', 'i1');
    const other = await repo.head('reactor-4', 'i1');
    const fence1 = {
      owner: 'i1',
      tokens: new Map([
        ['reactor-3', first.token],
        ['reactor-4', other.token],
      ]),
    };
    await repo.commit([row('reactor-3', 0), row('reactor-4', 0)], fence1);
    // i2 takes reactor-3 over; i1, not knowing yet, commits both assets: refused whole.
    const second = await repo.head('reactor-3', 'i2');
    expect(second.lastSeq).toBe(0);
    const stale = repo.commit([row('reactor-3', 1), row('reactor-4', 1)], fence1);
    await expect(stale).rejects.toBeInstanceOf(NotOwnerError);
    await expect(stale).rejects.toMatchObject({ assetIds: ['reactor-3'] });
    expect(await seqsOf('reactor-3')).toEqual([0]);
    expect(await seqsOf('reactor-4')).toEqual([0]);
    expect(await repo.peek('reactor-4')).toMatchObject({ lastSeq: 0 });
    // The same instance taking it again gets a new token: the old claim stays refused.
    const fence2 = { owner: 'i2', tokens: new Map([['reactor-3', second.token]]) };
    await repo.commit([row('reactor-3', 1)], fence2);
    const third = await repo.head('reactor-3', 'i2');
    await expect(repo.commit([row('reactor-3', 2)], fence2)).rejects.toBeInstanceOf(NotOwnerError);
    await repo.commit([row('reactor-3', 2)], { owner: 'i2', tokens: new Map([['reactor-3', third.token]]) });
    expect(await seqsOf('reactor-3')).toEqual([0, 1, 2]);
    // An asset this fence never took is a lost claim, not a refused seq.
    await expect(repo.commit([row('reactor-9', 5)], fence2)).rejects.toBeInstanceOf(NotOwnerError);
  });

  it("makes a new owner wait for the old owner's commit in flight, then read its last seq", async () => {
    const repo = streamRepo(database.db, () => 'test_channel');
    const taken = await repo.head('reactor-5', 'i1');
    const fence = { owner: 'i1', tokens: new Map([['reactor-5', taken.token]]) };
    // Many assets in one commit with reactor-5 among them, the takeover racing it: either the
    // commit lands first and the new owner continues after it, or the takeover does and the
    // commit is refused whole; never a last seq the new owner does not see.
    for (let i = 0; i < 10; i++) {
      const others = [`reactor-5${i}a`, `reactor-5${i}b`];
      for (const id of others) fence.tokens.set(id, (await repo.head(id, 'i1')).token);
      const seq = (await repo.peek('reactor-5')).lastSeq + 1;
      const [commit, takeover] = await Promise.allSettled([
        repo.commit([row('reactor-5', seq), ...others.map((id) => row(id, 0))], fence),
        repo.head('reactor-5', i % 2 ? 'i1' : 'i2'),
      ]);
      if (takeover.status !== 'fulfilled') throw takeover.reason;
      if (commit.status === 'fulfilled') expect(takeover.value.lastSeq).toBe(seq);
      else {
        expect(commit.reason).toBeInstanceOf(NotOwnerError);
        expect(takeover.value.lastSeq).toBe(seq - 1);
        for (const id of others) expect(await seqsOf(id)).toEqual([]);
      }
      expect(await seqsOf('reactor-5')).toEqual(Array.from({ length: takeover.value.lastSeq + 1 }, (_, k) => k));
      fence.tokens.set('reactor-5', takeover.value.token);
      fence.owner = 'i1';
      if (i % 2 === 0) fence.tokens.set('reactor-5', (await repo.head('reactor-5', 'i1')).token);
    }
  });
});
