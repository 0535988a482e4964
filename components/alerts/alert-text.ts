/** How an alert reads in one line: "reactor-1 · temperature above 400 (now 412.3)". */
import {
  driftFeatureOf,
  driftLabel,
  PLANT_ASSET_ID,
  PLANT_ASSET_NAME,
  SOURCE_STALE_LABEL,
  SOURCE_STALE_SIGNAL,
  SOURCE_STALE_UNIT,
} from '@/lib/alerts/plant-signals';
import type { AlertEvent } from '@/lib/alerts/types';
import { formatNumber } from '../dashboard/format';

export interface Labels {
  asset(id: string): string;
  signal(name: string): { label: string; unit: string };
}

/** Without a catalog (the header's banner): ids as they are, but the plant and drift readable. */
export const RAW_LABELS: Labels = {
  asset: (id) => (id === PLANT_ASSET_ID ? PLANT_ASSET_NAME : id),
  signal: (name) => {
    if (name === SOURCE_STALE_SIGNAL) return { label: SOURCE_STALE_LABEL, unit: SOURCE_STALE_UNIT };
    const feature = driftFeatureOf(name);
    return { label: feature === null ? name : driftLabel(feature), unit: '' };
  },
};

export function alertSummary(a: AlertEvent, labels: Labels = RAW_LABELS): string {
  const sig = labels.signal(a.signal);
  const unit = sig.unit ? ` ${sig.unit}` : '';
  const where = a.direction === 'high' ? 'above' : 'below';
  return `${labels.asset(a.assetId)} · ${sig.label} ${where} ${formatNumber(a.limit)}${unit} (${formatNumber(a.value)}${unit})`;
}
