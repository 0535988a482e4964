'use client';

import { useState } from 'react';
import { requestJson } from '@/lib/client/api-client';
import type { Preferences, YAxes } from '@/lib/time/preferences';

/**
 * The user's fixed y-axis ranges, remembered per user (PUT /api/v1/me/preferences). `save`
 * applies at once and resolves once stored; a refusal restores what was there and rethrows.
 */
export function useYAxes(initial: YAxes | null | undefined) {
  const [axes, setAxes] = useState<YAxes>(initial ?? {});
  const save = async (next: YAxes) => {
    const before = axes;
    setAxes(next);
    try {
      const stored = await requestJson<Preferences>('/api/v1/me/preferences', { method: 'PUT', json: { yAxes: next } });
      setAxes(stored.yAxes);
    } catch (err) {
      setAxes(before);
      throw err;
    }
  };
  return { axes, save };
}
