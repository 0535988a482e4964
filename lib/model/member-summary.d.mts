/** Types of member-summary.mjs (plain JS so the inference worker can run it too). */
export interface BandPercentiles {
  lower: number;
  upper: number;
}

/** A calibrated (split-conformal) band, from twin.json's `interval`. */
export interface ConformalBand {
  halfWidth: number;
  scale: 'constant' | 'member-std';
  floor: number;
}

/** How the band is made: percentiles over the members, or a calibrated interval. */
export type BandSpec = BandPercentiles | ConformalBand;

export interface SummaryTargets {
  prediction: Float64Array;
  /** Null when the model has no band. */
  lower: Float64Array | null;
  upper: Float64Array | null;
}

/** The compiled SIMD kernel (member-summary.wasm) the summarizer loads. */
export const SIMD_FILE: string;

export class MemberSummarizer {
  readonly members: number;
  /** `simd: false` forces the JavaScript scan (tests compare the two). */
  constructor(members: number, band: BandSpec | null, options?: { simd?: boolean });
  /** Which code finds the band: 'simd' (the WebAssembly kernel) or 'js'. */
  readonly kernel: 'simd' | 'js';
  /**
   * Summarizes `rows` output rows of `data` (row-major, `members` columns). Row r's results go to
   * index `order ? order[r] : r`, so a caller that reordered the rows gets them back in place.
   */
  summarize(data: Float32Array, rows: number, out: SummaryTargets, order?: Int32Array): void;
}

/**
 * The model output of `n` rows as a float32 [n, members] block; throws naming what came instead.
 * Both threads check their onnxruntime output with it.
 */
export function memberBlock(
  tensor: { type: string; dims: readonly number[]; data: unknown } | undefined,
  output: string,
  n: number,
  members: number,
): Float32Array;

/** Values in the packed block of `n` rows (see packedTargets). */
export function packedLength(n: number, hasBand: boolean): number;

/**
 * The summaries of `n` rows packed in one block (the worker's reply): predictions at [0, n),
 * with a band lower bounds at [n, 2n) and upper bounds at [2n, 3n).
 */
export function packedTargets(block: Float64Array, n: number, hasBand: boolean): SummaryTargets;
