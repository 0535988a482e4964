import { describe, expect, it } from 'vitest';
import { GroupCommit, NotStoredError, type CommitSink, type StoredRow } from './group-commit';

const row = (assetId: string, ts: number): StoredRow => ({
  assetId,
  point: {
    seq: 0,
    ts,
    values: {},
    prediction: null,
    lower: null,
    upper: null,
    modelVersion: null,
    inferenceMs: null,
    flags: [],
  },
});

/** A sink whose transactions finish when the test says so, in any order. */
function controlledSink() {
  const calls: { rows: StoredRow[]; finish(): void; fail(err: Error): void }[] = [];
  const sink: CommitSink = {
    insertNew: (rows) =>
      new Promise((resolve, reject) => calls.push({ rows, finish: () => resolve(rows), fail: reject })),
  };
  return { sink, calls };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('puts the requests of one event-loop turn into one transaction and answers only after it committed', async () => {
    const { sink, calls } = controlledSink();
    const gc = new GroupCommit(sink);
    let answered = 0;
    const a = gc.submit([row('a', 1)]).then((s) => (answered++, s));
    const b = gc.submit([row('b', 1), row('b', 2)]).then((s) => (answered++, s));
    await tick();
    expect(calls.map((c) => c.rows.length)).toEqual([3]);
    await tick();
    expect(answered).toBe(0);
    calls[0]!.finish();
    expect((await a).size).toBe(3);
    await b;
    expect(gc.stats).toMatchObject({ commits: 1, rows: 3 });
  });

  it('with one transaction at a time, queues what arrives meanwhile into the next one', async () => {
    const { sink, calls } = controlledSink();
    const gc = new GroupCommit(sink, 20_000, 1);
    const first = gc.submit([row('a', 1)]);
    await tick();
    const second = gc.submit([row('a', 2)]);
    const third = gc.submit([row('a', 3)]);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await first;
    await tick();
    expect(calls.map((c) => c.rows.length)).toEqual([1, 2]);
    calls[1]!.finish();
    await Promise.all([second, third]);
  });

  it('overlaps transactions up to maxInFlight, yet answers in submission order whatever commits first', async () => {
    const { sink, calls } = controlledSink();
    const gc = new GroupCommit(sink, 20_000, 3);
    const order: number[] = [];
    const answers: Promise<number>[] = [];
    // Submitted in separate event-loop turns: three groups, all three running at once.
    for (const n of [1, 2, 3]) {
      answers.push(gc.submit([row('a', n)]).then(() => order.push(n)));
      await tick();
    }
    expect(calls).toHaveLength(3);
    calls[2]!.finish();
    calls[1]!.finish();
    await tick();
    expect(order).toEqual([]); // the first has not committed yet: nobody is answered
    calls[0]!.finish();
    await Promise.all(answers);
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects exactly the requests of a failed transaction with NotStoredError; the others are answered', async () => {
    const { sink, calls } = controlledSink();
    const gc = new GroupCommit(sink, 20_000, 2);
    const a = gc.submit([row('a', 1)]);
    await tick();
    const b = gc.submit([row('a', 2)]);
    await tick();
    await tick();
    calls[0]!.fail(new Error('connection lost'));
    calls[1]!.finish();
    await expect(a).rejects.toBeInstanceOf(NotStoredError);
    expect((await b).size).toBe(1);
    expect(gc.stats).toMatchObject({ commits: 1, failedCommits: 1 });
    await gc.idle();
  });

  it('never splits a request and bounds a transaction by maxRows', async () => {
    const { sink, calls } = controlledSink();
    const gc = new GroupCommit(sink, 3, 1);
    const big = gc.submit([row('a', 1), row('a', 2), row('a', 3), row('a', 4)]);
    const small = gc.submit([row('b', 1)]);
    await tick();
    expect(calls.map((c) => c.rows.length)).toEqual([4]);
    calls[0]!.finish();
    await big;
    await tick();
    expect(calls.map((c) => c.rows.length)).toEqual([4, 1]);
    calls[1]!.finish();
    await small;
    await gc.idle();
  });
});
