'use client';

import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { useOnModelChange } from './use-serving-model';

/**
 * Re-renders the page's server components when the serving model changes, so a page built from
 * the model package (the what-if sliders, ranges and labels) follows an activation or a recovery
 * without a reload. Client state (slider values) is kept.
 */
export function RefreshOnModelChange() {
  const router = useRouter();
  const refresh = useCallback(() => router.refresh(), [router]);
  useOnModelChange(refresh);
  return null;
}
