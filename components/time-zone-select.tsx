'use client';

import { useMemo, useState } from 'react';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { useBrowserTimeZone } from '@/lib/time/use-time-zone';
import { timeZoneNames } from '@/lib/time/zoned';

interface Props {
  /** The user's chosen zone; null = the browser's. */
  value: string | null;
  onChange(timeZone: string | null): void;
  /** Save the choice in the user's preferences (PUT /api/v1/me/preferences). Default true. */
  persist?: boolean;
}

/**
 * Time zone picker: "Browser (…)" or any IANA zone. The choice is saved per user, so every
 * page and every device of that user shows the same wall-clock times.
 */
export function TimeZoneSelect({ value, onChange, persist = true }: Props) {
  const browserZone = useBrowserTimeZone();
  const [problem, setProblem] = useState<string | null>(null);
  const names = useMemo(() => timeZoneNames(), []);

  const choose = (next: string | null) => {
    onChange(next);
    if (!persist) return;
    setProblem(null);
    requestJson('/api/v1/me/preferences', { method: 'PUT', json: { timeZone: next } }).catch((err: unknown) =>
      setProblem(errorMessage(err)),
    );
  };

  return (
    <label className="dash-field">
      <span>Time zone</span>
      <select
        value={value ?? ''}
        onChange={(e) => choose(e.target.value || null)}
        aria-describedby={problem ? 'tz-problem' : undefined}
      >
        <option value="">Browser{browserZone ? ` (${browserZone})` : ''}</option>
        {value && !names.includes(value) ? <option value={value}>{value}</option> : null}
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {problem ? (
        <small id="tz-problem" className="error" role="alert">
          {problem}
        </small>
      ) : null}
    </label>
  );
}
