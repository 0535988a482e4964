/** How an alert reads in one line: "reactor-1 · temperature above 400 (now 412.3)". */
import type { AlertEvent } from '@/lib/alerts/types';
import { formatNumber } from '../dashboard/format';

export interface Labels {
  asset(id: string): string;
  signal(name: string): { label: string; unit: string };
}

export const RAW_LABELS: Labels = { asset: (id) => id, signal: (name) => ({ label: name, unit: '' }) };

export function alertSummary(a: AlertEvent, labels: Labels = RAW_LABELS): string {
  const sig = labels.signal(a.signal);
  const unit = sig.unit ? ` ${sig.unit}` : '';
  const where = a.direction === 'high' ? 'above' : 'below';
  return `${labels.asset(a.assetId)} · ${sig.label} ${where} ${formatNumber(a.limit)}${unit} (${formatNumber(a.value)}${unit})`;
}
