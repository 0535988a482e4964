'use client';

import { useEffect, useState } from 'react';
import { requestJson } from '@/lib/client/api-client';
import { bandInfo, type BandInfo } from '@/lib/model/band-label';
import type { TwinManifest } from '@/lib/model/manifest';
import type { ServingModel } from './use-serving-model';

/**
 * What the serving model's band means: the page's value until another version serves, then
 * that version's, read from GET /api/v1/model (so a 90 % interval is never labelled with the
 * previous model's words after an activation).
 */
export function useServingBand(initial: BandInfo | null, initialModel: ServingModel, serving: ServingModel): BandInfo | null {
  const [fetched, setFetched] = useState<{ version: string; band: BandInfo | null } | null>(null);
  const changed = serving !== null && serving.version !== initialModel?.version;
  useEffect(() => {
    if (!changed || !serving) return;
    let live = true;
    requestJson<{ version: string; interval: TwinManifest['interval'] }>('/api/v1/model')
      .then((m) => {
        if (live) setFetched({ version: m.version, band: bandInfo(m.interval) });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [changed, serving]);
  if (!changed) return initial;
  return fetched && fetched.version === serving?.version ? fetched.band : null;
}
