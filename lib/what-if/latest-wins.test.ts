import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLatestWins, type Outcome } from './latest-wins';

/** A request whose answer the test releases by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('createLatestWins', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces: only the last of a burst of schedules is sent, after the quiet time', async () => {
    const run = vi.fn((input: number) => Promise.resolve(input * 10));
    const settled: Outcome<number>[] = [];
    const lw = createLatestWins({ delayMs: 100, run, onSettled: (o) => settled.push(o) });
    lw.schedule(1);
    await vi.advanceTimersByTimeAsync(60);
    lw.schedule(2);
    await vi.advanceTimersByTimeAsync(60);
    lw.schedule(3);
    await vi.advanceTimersByTimeAsync(99);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0]![0]).toBe(3);
    await flush();
    expect(settled).toEqual([{ ok: true, value: 30 }]);
  });

  it('a response arriving after a newer request was sent is dropped, even when it comes last', async () => {
    const answers = [deferred<string>(), deferred<string>()];
    let call = 0;
    const settled: [Outcome<string>, string][] = [];
    const lw = createLatestWins({
      delayMs: 0,
      run: () => answers[call++]!.promise,
      onSettled: (o, input: string) => settled.push([o, input]),
    });
    lw.send('old');
    lw.send('new');
    expect(lw.latestSeq).toBe(2);
    answers[1]!.resolve('new answer');
    await flush();
    answers[0]!.resolve('old answer');
    await flush();
    expect(settled).toEqual([[{ ok: true, value: 'new answer' }, 'new']]);
  });

  it('an older answer is also dropped when it comes first, and so is an older failure', async () => {
    const answers = [deferred<string>(), deferred<string>(), deferred<string>()];
    let call = 0;
    const settled: Outcome<string>[] = [];
    const lw = createLatestWins({ delayMs: 0, run: () => answers[call++]!.promise, onSettled: (o) => settled.push(o) });
    lw.send('a');
    lw.send('b');
    lw.send('c');
    answers[0]!.resolve('a');
    answers[1]!.reject(new Error('b failed'));
    await flush();
    expect(settled).toEqual([]);
    answers[2]!.resolve('c');
    await flush();
    expect(settled).toEqual([{ ok: true, value: 'c' }]);
  });

  it('delivers the newest failure as an outcome, including a synchronous throw', async () => {
    const settled: Outcome<never>[] = [];
    const lw = createLatestWins<number, never>({
      delayMs: 0,
      run: () => {
        throw new Error('boom');
      },
      onSettled: (o) => settled.push(o),
    });
    lw.send(1);
    await flush();
    expect(settled).toHaveLength(1);
    expect(settled[0]!.ok).toBe(false);
  });

  it('answers of requests sent before a scheduled one still show until that one is sent', async () => {
    const settled: number[] = [];
    const lw = createLatestWins({
      delayMs: 100,
      run: (n: number) => Promise.resolve(n),
      onSettled: (o) => o.ok && settled.push(o.value),
    });
    lw.send(1);
    lw.schedule(2);
    await flush();
    expect(settled).toEqual([1]);
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toEqual([1, 2]);
  });

  it('reports busy from schedule until the newest request settles', async () => {
    const busy: boolean[] = [];
    const answer = deferred<number>();
    const lw = createLatestWins({
      delayMs: 50,
      run: () => answer.promise,
      onSettled: () => undefined,
      onBusy: (b) => busy.push(b),
    });
    lw.schedule(1);
    expect(busy).toEqual([true]);
    await vi.advanceTimersByTimeAsync(50);
    expect(busy).toEqual([true]);
    answer.resolve(1);
    await flush();
    expect(busy).toEqual([true, false]);
  });

  it('dispose cancels the pending send, aborts requests in flight and delivers nothing more', async () => {
    const signals: AbortSignal[] = [];
    const answer = deferred<number>();
    const onSettled = vi.fn();
    const run = vi.fn((_: number, signal: AbortSignal) => {
      signals.push(signal);
      return answer.promise;
    });
    const lw = createLatestWins({ delayMs: 100, run, onSettled });
    lw.send(1);
    lw.schedule(2);
    lw.dispose();
    expect(signals[0]!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    answer.resolve(1);
    await flush();
    expect(run).toHaveBeenCalledTimes(1);
    expect(onSettled).not.toHaveBeenCalled();
  });
});
