/**
 * Domain types of the live plant stream, shared by server, client and tests (types only).
 * A reading is what a source says; a point is a reading after the pipeline has scored it.
 */

import type { BandInfo } from '../model/band-label';

/** Feature name -> value, e.g. { temperature: 352.1, pressure: 5.8, flow: 101.3 }. */
export type SignalValues = Record<string, number>;

export interface Reading {
  assetId: string;
  /** Epoch milliseconds (UTC). */
  ts: number;
  values: SignalValues;
  /** A measured yield, when the source knows it (the simulator does; ingest may send one). */
  actual?: number;
}

/**
 * Why a point's prediction is missing or suspect. `out_of_range` readings are kept and shown,
 * never dropped; they just get no prediction.
 */
export type PointFlag = 'out_of_range' | 'model_unavailable' | 'ingested';

export interface Point {
  /** Per asset, strictly increasing by 1, never repeated within a server's life. */
  seq: number;
  ts: number;
  values: SignalValues;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  modelVersion: string | null;
  /** Inference time of the batch this point was scored in, ms. */
  inferenceMs: number | null;
  flags: PointFlag[];
  /** Signals outside their valid range (names), when flagged out_of_range. */
  outOfRange?: string[];
  actual?: number;
}

export interface SignalInfo {
  name: string;
  label: string;
  unit: string;
  min: number;
  max: number;
}

export interface AssetInfo {
  id: string;
  name: string;
  /** Nominal setpoints, for display. */
  setpoints: SignalValues;
  /** What feeds it: the built-in simulator, or only outside readings (ingest). */
  source?: 'simulator' | 'external';
  /** Place in the plant's hierarchy, `site/area/unit` (the asset registry); '' or absent: not placed. */
  path?: string;
  description?: string;
  /** Signals beyond the model's features (level, vibration...): stored, streamed, charted, alertable. */
  extraSignals?: SignalInfo[];
}

/** What the dashboard needs to label everything, from the model package and the plant config. */
export interface StreamCatalog {
  assets: AssetInfo[];
  signals: SignalInfo[];
  target: { name: string; label: string; unit: string };
  model: { name: string; version: string } | null;
  /** What the serving model's band is ("90 % prediction interval", or the trees' spread). */
  band?: BandInfo | null;
  rateHz: number;
  bufferSeconds: number;
}
