'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { createLatestWins, type LatestWins, type Outcome } from '@/lib/what-if/latest-wins';

/**
 * A debounced, latest-wins request for a component: `schedule(input)` sends after `delayMs` of
 * quiet; only the newest request's outcome reaches `onSettled`. Requests in flight are aborted on
 * unmount. `busy` is true while a newer answer is on its way. Schedule from an effect declared
 * after this hook (effects run in order, so the scheduler exists by then).
 */
export function useLatestWins<I, R>(
  delayMs: number,
  run: (input: I, signal: AbortSignal) => Promise<R>,
  onSettled: (outcome: Outcome<R>, input: I) => void,
) {
  const runRef = useRef(run);
  const settledRef = useRef(onSettled);
  const lwRef = useRef<LatestWins<I> | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    runRef.current = run;
    settledRef.current = onSettled;
  });

  useEffect(() => {
    const lw = createLatestWins<I, R>({
      delayMs,
      run: (input, signal) => runRef.current(input, signal),
      onSettled: (outcome, input) => settledRef.current(outcome, input),
      onBusy: setBusy,
    });
    lwRef.current = lw;
    return () => {
      lw.dispose();
      lwRef.current = null;
    };
  }, [delayMs]);

  const schedule = useCallback((input: I) => lwRef.current?.schedule(input), []);
  return { schedule, busy };
}
