/** Types of member-summary.mjs (plain JS so the inference worker can run it too). */
export interface BandPercentiles {
  lower: number;
  upper: number;
}

export interface SummaryTargets {
  prediction: Float64Array;
  /** Null when the model has no band. */
  lower: Float64Array | null;
  upper: Float64Array | null;
}

export class MemberSummarizer {
  readonly members: number;
  constructor(members: number, band: BandPercentiles | null);
  /**
   * Summarizes `rows` output rows of `data` (row-major, `members` columns). Row r's results go to
   * index `order ? order[r] : r`, so a caller that reordered the rows gets them back in place.
   */
  summarize(data: Float32Array, rows: number, out: SummaryTargets, order?: Int32Array): void;
}

/**
 * The summaries of `n` rows packed in one block (the worker's reply): predictions at [0, n),
 * with a band lower bounds at [n, 2n) and upper bounds at [2n, 3n).
 */
export function packedTargets(block: Float64Array, n: number, hasBand: boolean): SummaryTargets;
