/**
 * The asset registry's domain types (issue 15), shared by server, client and tests (types only).
 */

export type AssetSource = 'simulator' | 'external';

/**
 * One signal of an asset. For the model's features, label, unit and range come from the serving
 * model; `tag`, `scale` and `offset` are the asset's own. Extra signals (level, vibration...)
 * carry all of them.
 */
export interface AssetSignal {
  name: string;
  label: string;
  unit: string;
  /** Valid range: an extra signal's reading outside it is refused at ingest. */
  min: number;
  max: number;
  /** The source's name for it (e.g. `TI-101.PV`): MQTT / Sparkplug metrics and ingest values may use it. */
  tag: string | null;
  /** Linear conversion of outside readings: stored = raw * scale + offset (null: 1 and 0). */
  scale: number | null;
  offset: number | null;
  /** True for the serving model's inputs (required in every reading, scored). */
  feature: boolean;
}

/**
 * The Sparkplug B device that feeds an asset: its DBIRTH/DDATA on
 * `spBv1.0/<group>/.../<edge>/<device>` become the asset's readings.
 */
export interface SparkplugBinding {
  group: string;
  edge: string;
  device: string;
}

/** `group/edge/device`, as shown and as the bindings' lookup key. */
export const bindingKey = (b: SparkplugBinding) => `${b.group}/${b.edge}/${b.device}`;

export interface Asset {
  id: string;
  name: string;
  /** Place in the hierarchy, `site/area/unit`; '' when not placed. */
  path: string;
  description: string;
  source: AssetSource;
  setpoints: Record<string, number>;
  signals: AssetSignal[];
  /** The Sparkplug B device bound to it; null: none (a device named like its id still feeds it). */
  sparkplug: SparkplugBinding | null;
  createdAt: number;
  updatedAt: number;
  /** Set once retired: the stream stopped, the history stays readable. */
  retiredAt: number | null;
}

/** A signal as stored (no `feature` flag: that depends on the serving model). */
export type StoredSignal = Omit<AssetSignal, 'feature'>;

/** An asset as stored: only the signal rows it has (extras, and features with a tag or conversion). */
export type StoredAsset = Omit<Asset, 'signals'> & { signals: StoredSignal[] };
