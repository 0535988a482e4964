/** Labels for alert views from the catalog (asset names, signal labels and units). */
import { PREDICTION_SIGNAL } from '@/lib/alerts/types';
import type { StreamCatalog } from '@/lib/twin/types';
import type { Labels } from './alert-text';

/** The subset of the catalog the alert views need (serializable, passed from the page). */
export interface AlertCatalog {
  assets: { id: string; name: string }[];
  signals: { name: string; label: string; unit: string }[];
}

export function alertCatalog(c: StreamCatalog): AlertCatalog {
  return {
    assets: c.assets.map(({ id, name }) => ({ id, name })),
    signals: [{ name: PREDICTION_SIGNAL, label: `${c.target.label} predicted`, unit: c.target.unit }, ...c.signals.map(({ name, label, unit }) => ({ name, label, unit }))],
  };
}

export function labelsOf(c: AlertCatalog): Labels {
  const assets = new Map(c.assets.map((a) => [a.id, a.name]));
  const signals = new Map(c.signals.map((s) => [s.name, s]));
  return {
    asset: (id) => assets.get(id) ?? id,
    signal: (name) => signals.get(name) ?? { label: name, unit: '' },
  };
}
