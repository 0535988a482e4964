import { describe, expect, it } from 'vitest';
import { NotOwnerError, SeqConflictError, type SequencedRow } from '../db/stream-repo';
import { readingKey } from '../db/telemetry-repo';
import { NotStoredError } from '../ingest/group-commit';
import { Sequencer } from './sequencer';
import type { Point } from './types';

const point = (ts: number): Omit<Point, 'seq'> => ({
  ts,
  values: { temperature: 350 },
  prediction: 80,
  lower: 79,
  upper: 81,
  modelVersion: '2.0.0',
  inferenceMs: 1,
  flags: [],
});

/** A table in memory with the real one's two unique keys: (asset, ts) skipped, (asset, seq) refused. */
function table(opts: { owned: string[]; failNext?: number; takenOver?: string[] }) {
  const rows = new Map<string, SequencedRow>();
  const published: { assetId: string; seq: number; ts: number }[] = [];
  let fail = opts.failNext ?? 0;
  const cursors = new Map<string, { nextSeq: number; lastTs: number }>();
  const sequencer = new Sequencer({
    async commit(batch) {
      if (fail > 0) {
        fail--;
        throw new Error('database unavailable');
      }
      // The owner-of-record fence: another instance took these assets over (the caller steps down).
      const lost = (opts.takenOver ?? []).filter((a) => batch.some((r) => r.assetId === a && r.seq !== null));
      if (lost.length) {
        for (const a of lost) opts.owned.splice(opts.owned.indexOf(a), 1);
        throw new NotOwnerError(lost);
      }
      const written = new Set<string>();
      const staged = new Map(rows);
      for (const r of batch) {
        const key = readingKey(r.assetId, r.point.ts);
        if (staged.has(key) && !r.update) continue;
        staged.set(key, r);
        written.add(key);
      }
      const missed = batch.filter((r) => r.seq !== null && !written.has(readingKey(r.assetId, r.point.ts)));
      if (missed.length) throw new SeqConflictError(missed.map((r) => readingKey(r.assetId, r.point.ts)));
      for (const [k, v] of staged) rows.set(k, v);
      return written;
    },
    owns: (assetId) => opts.owned.includes(assetId),
    cursor: (assetId) => cursors.get(assetId) ?? { nextSeq: 0, lastTs: Number.NEGATIVE_INFINITY },
    publish: (assetId, p) => {
      published.push({ assetId, seq: p.seq, ts: p.ts });
      cursors.set(assetId, { nextSeq: p.seq + 1, lastTs: p.ts });
    },
  });
  return { sequencer, rows, published };
}

describe('sequencer (clustered mode)', () => {
  it('numbers owned readings in order, stores older ones as late and others pending for their owner', async () => {
    const t = table({ owned: ['r1'] });
    const res = await t.sequencer.submit([
      { assetId: 'r1', point: point(100) },
      { assetId: 'r1', point: point(200) },
      { assetId: 'r1', point: point(150) },
      { assetId: 'r2', point: point(100) },
    ]);
    expect(res.map((r) => r.status)).toEqual(['new', 'new', 'late', 'queued']);
    expect(t.published).toEqual([
      { assetId: 'r1', seq: 0, ts: 100 },
      { assetId: 'r1', seq: 1, ts: 200 },
    ]);
    expect(t.rows.get(readingKey('r2', 100))).toMatchObject({ pending: true, seq: null });
  });

  it('a row stored meanwhile by someone else is a duplicate and leaves no hole in the seqs', async () => {
    const t = table({ owned: ['r1'] });
    // Stored pending by another instance between our planning and our commit.
    t.rows.set(readingKey('r1', 200), { assetId: 'r1', point: point(200), seq: null, pending: true });
    const res = await t.sequencer.submit([
      { assetId: 'r1', point: point(100) },
      { assetId: 'r1', point: point(200) },
      { assetId: 'r1', point: point(300) },
    ]);
    expect(res.map((r) => r.status)).toEqual(['new', 'duplicate', 'new']);
    expect(t.published.map((p) => p.seq)).toEqual([0, 1]);
    expect(t.sequencer.stats.retries).toBe(1);
  });

  it('a failed commit publishes nothing and gives no seq away: the next one continues where it was', async () => {
    const t = table({ owned: ['r1'], failNext: 1 });
    await expect(t.sequencer.submit([{ assetId: 'r1', point: point(100) }])).rejects.toBeInstanceOf(NotStoredError);
    expect(t.published).toEqual([]);
    await t.sequencer.submit([{ assetId: 'r1', point: point(110) }]);
    expect(t.published).toEqual([{ assetId: 'r1', seq: 0, ts: 110 }]);
  });

  it('refused by the owner fence: the readings are stored pending for the new owner, no seq given', async () => {
    const t = table({ owned: ['r1', 'r2'], takenOver: ['r1'] });
    const res = await t.sequencer.submit([
      { assetId: 'r1', point: point(100) },
      { assetId: 'r2', point: point(100) },
    ]);
    expect(res.map((r) => r.status)).toEqual(['queued', 'new']);
    expect(t.rows.get(readingKey('r1', 100))).toMatchObject({ pending: true, seq: null });
    expect(t.published).toEqual([{ assetId: 'r2', seq: 0, ts: 100 }]);
  });

  it('concurrent submissions share a transaction and are numbered in submission order', async () => {
    const t = table({ owned: ['r1'] });
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.sequencer.submit([{ assetId: 'r1', point: point(1_000 + i) }])),
    );
    expect(all.map((r) => r[0]!.point.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(t.sequencer.stats.commits).toBe(1);
  });
});
