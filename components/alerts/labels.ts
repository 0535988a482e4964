/** Labels for alert views from the catalog (asset names, signal labels and units). */
import {
  driftFeatureOf,
  driftLabel,
  driftSignal,
  PLANT_ASSET_ID,
  PLANT_ASSET_NAME,
  SOURCE_STALE_LABEL,
  SOURCE_STALE_SIGNAL,
  SOURCE_STALE_UNIT,
} from '@/lib/alerts/plant-signals';
import { PREDICTION_SIGNAL } from '@/lib/alerts/types';
import type { StreamCatalog } from '@/lib/twin/types';
import type { Labels } from './alert-text';

/** The subset of the catalog the alert views need (serializable, passed from the page). */
export interface AlertCatalog {
  assets: { id: string; name: string }[];
  signals: { name: string; label: string; unit: string }[];
}

/** The catalog's assets plus the plant (drift alerts), its signals plus each feature's drift (PSI, no unit). */
export function alertCatalog(c: StreamCatalog): AlertCatalog {
  return {
    assets: [...c.assets.map(({ id, name }) => ({ id, name })), { id: PLANT_ASSET_ID, name: PLANT_ASSET_NAME }],
    signals: [
      { name: PREDICTION_SIGNAL, label: `${c.target.label} predicted`, unit: c.target.unit },
      ...c.signals.map(({ name, label, unit }) => ({ name, label, unit })),
      ...c.signals.map(({ name, label }) => ({ name: driftSignal(name), label: driftLabel(label), unit: '' })),
      { name: SOURCE_STALE_SIGNAL, label: SOURCE_STALE_LABEL, unit: SOURCE_STALE_UNIT },
      // Assets' extra signals (asset registry); a name shared by several assets reads as the first's.
      ...c.assets
        .flatMap((a) => a.extraSignals ?? [])
        .filter((x, i, all) => all.findIndex((y) => y.name === x.name) === i)
        .map(({ name, label, unit }) => ({ name, label, unit })),
    ],
  };
}

export function labelsOf(c: AlertCatalog): Labels {
  const assets = new Map(c.assets.map((a) => [a.id, a.name]));
  const signals = new Map(c.signals.map((s) => [s.name, s]));
  return {
    asset: (id) => assets.get(id) ?? id,
    // A drift rule of a feature the serving model no longer takes still reads as drift.
    signal: (name) => signals.get(name) ?? { label: driftLabelOf(name) ?? name, unit: '' },
  };
}

function driftLabelOf(signal: string): string | null {
  const feature = driftFeatureOf(signal);
  return feature === null ? null : driftLabel(feature);
}
