'use client';

import { formatAge, formatTime } from './format';
import { useNow } from './use-now';

/** "updated 3 s ago", ticking; marked stale when nothing came for `staleAfterMs`. */
export function LastUpdateAge({ at, staleAfterMs }: { at: number | null; staleAfterMs: number }) {
  const now = useNow();
  if (at === null || now === 0) {
    return (
      <p className="card-sub" data-testid="last-update-age" data-stale="false">
        {at === null ? 'no data yet' : '…'}
      </p>
    );
  }
  const age = now - at;
  const stale = age > staleAfterMs;
  return (
    <p
      className="card-sub"
      data-testid="last-update-age"
      data-stale={stale}
      title={`last point received ${formatTime(at)}`}
    >
      updated <time dateTime={new Date(at).toISOString()}>{formatAge(age)}</time>
      {stale ? <span className="stale-badge"> stale</span> : null}
    </p>
  );
}
