/**
 * Debounced requests where only the newest answer counts. Every send gets a sequence number; an
 * answer is delivered only while its request is still the newest one sent, so a slow response
 * that arrives after a newer request went out is dropped instead of overwriting the newer one.
 * Free of React and fetch so the rule can be unit-tested with fake timers.
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface LatestWinsOptions<I, R> {
  /** Quiet time after the last `schedule` before the request is sent. */
  delayMs: number;
  run: (input: I, signal: AbortSignal) => Promise<R>;
  /** The newest request's outcome (never an older one's). */
  onSettled: (outcome: Outcome<R>, input: I) => void;
  /** True from `schedule` until the newest request settles. */
  onBusy?: (busy: boolean) => void;
}

export interface LatestWins<I> {
  /** Sends `input` once `delayMs` have passed without another schedule. */
  schedule(input: I): void;
  /** Sends `input` now (cancelling a scheduled send). */
  send(input: I): void;
  /** Sequence number of the newest request sent (0 before the first). */
  readonly latestSeq: number;
  /** Stops timers, aborts requests in flight; nothing is delivered afterwards. */
  dispose(): void;
}

export function createLatestWins<I, R>(opts: LatestWinsOptions<I, R>): LatestWins<I> {
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const inFlight = new Set<AbortController>();
  let busy = false;

  const setBusy = (b: boolean) => {
    if (b === busy) return;
    busy = b;
    opts.onBusy?.(b);
  };

  const send = (input: I) => {
    if (disposed) return;
    clearTimeout(timer);
    timer = undefined;
    const mine = ++seq;
    const controller = new AbortController();
    inFlight.add(controller);
    setBusy(true);
    let outcome: Promise<Outcome<R>>;
    try {
      outcome = opts.run(input, controller.signal).then(
        (value): Outcome<R> => ({ ok: true, value }),
        (error: unknown): Outcome<R> => ({ ok: false, error }),
      );
    } catch (error) {
      outcome = Promise.resolve({ ok: false, error });
    }
    void outcome.then((o) => {
      inFlight.delete(controller);
      // A newer request was sent meanwhile: its answer (pending or already shown) wins.
      if (disposed || mine !== seq) return;
      if (timer === undefined) setBusy(false);
      opts.onSettled(o, input);
    });
  };

  return {
    schedule(input) {
      if (disposed) return;
      clearTimeout(timer);
      setBusy(true);
      timer = setTimeout(() => send(input), opts.delayMs);
    },
    send,
    get latestSeq() {
      return seq;
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      for (const c of inFlight) c.abort();
      inFlight.clear();
    },
  };
}
