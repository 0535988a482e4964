// @ts-check
/**
 * Turns a model's output rows into prediction and band. For an ensemble (one column per member)
 * the prediction is the members' mean and the band the requested percentiles, interpolated
 * like numpy's default ("linear"): position p/100 * (M - 1) in the sorted members.
 *
 * Percentiles near the tails only need the few smallest and largest members. When those are at
 * most 8 on each side (the shipped 5-95 % band of 100 trees needs 6), a WebAssembly SIMD kernel
 * finds them for four rows at a time with branch-free networks (member-summary.wat; ~5x faster
 * than the JavaScript scan, bit-identical results). Otherwise, or where the kernel cannot load,
 * each row is scanned once into two small sorted buffers (measured ~2.5x faster than sorting
 * 100 members), and wide percentiles (e.g. 25/75) sort a reused buffer.
 *
 * Plain JavaScript (ES module) because the inference worker (inference-worker.mjs, started by
 * plain node) summarizes the rows it ran with this same code: one implementation, so a row gives
 * the same numbers on either thread. TypeScript sees it through member-summary.d.mts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The compiled kernel (`npm run build:wasm`); the console always runs from the repository root. */
export const SIMD_FILE = path.resolve(process.env.TWINOPS_ROOT ?? process.cwd(), 'lib/model/member-summary.wasm');
/** Slots of the kernel's smallest/largest networks. */
const SIMD_SLOTS = 8;
/** Member values per kernel call (2 MB of input): bounds the kernel's memory whatever the batch. */
const SIMD_CHUNK_VALUES = 1 << 19;

/** @type {WebAssembly.Module | null | undefined} undefined until first tried, null if unavailable */
let simdModule;

/** The kernel module, compiled once per thread; null where it is missing or SIMD is unsupported. */
function loadSimdModule() {
  if (simdModule === undefined) {
    try {
      simdModule = new WebAssembly.Module(readFileSync(SIMD_FILE));
    } catch {
      simdModule = null;
    }
  }
  return simdModule;
}

/** Largest tail buffer worth maintaining by insertion; beyond it sorting is cheaper. */
const MAX_TAIL = 16;

export class MemberSummarizer {
  /**
   * @param {number} members output columns per row
   * @param {import('./member-summary.mjs').BandSpec | null} spec percentiles, a calibrated band, or none
   * @param {{ simd?: boolean }} [options] simd: false forces the JavaScript scan (tests compare the two)
   */
  constructor(members, spec, options = {}) {
    this.members = members;
    /** @type {import('./member-summary.mjs').ConformalBand | null} */
    this.conformal = spec && 'halfWidth' in spec ? spec : null;
    /** @type {import('./member-summary.mjs').BandPercentiles | null} */
    const band = spec && !('halfWidth' in spec) ? spec : null;
    this.band = band;
    this.loPos = band ? (band.lower / 100) * (members - 1) : 0;
    this.hiPos = band ? (band.upper / 100) * (members - 1) : 0;
    // How many smallest / largest members the percentiles need.
    this.loCount = Math.min(members, Math.floor(this.loPos) + 2);
    this.hiCount = Math.min(members, members - Math.floor(this.hiPos) + 1);
    this.useTails = this.loCount <= MAX_TAIL && this.hiCount <= MAX_TAIL;
    this.lo = new Float64Array(this.loCount);
    this.hi = new Float64Array(this.hiCount);
    this.sorted = new Float64Array(members);
    const kernelModule = band && options.simd !== false ? loadSimdModule() : null;
    // Slots the band reads: smallest up to index floor(loPos) + 1, largest up to M - 1 - floor(hiPos).
    const fits = this.loCount <= SIMD_SLOTS && members - Math.floor(this.hiPos) <= SIMD_SLOTS;
    /** @type {SimdTails | null} */
    this.simd = kernelModule && fits ? new SimdTails(kernelModule, members) : null;
  }

  /** Which code finds the band: 'simd' (the WebAssembly kernel) or 'js'. */
  get kernel() {
    return this.simd ? 'simd' : 'js';
  }

  /**
   * Summarizes `rows` output rows of `data` (row-major, `members` columns). Row r's results go to
   * index `order ? order[r] : r`, so a caller that reordered the rows gets them back in place.
   * @param {Float32Array} data
   * @param {number} rows
   * @param {import('./member-summary.mjs').SummaryTargets} out
   * @param {Int32Array} [order]
   */
  summarize(data, rows, out, order) {
    if (this.conformal && out.lower && out.upper) {
      this.summarizeConformal(this.conformal, data, rows, out, order);
      return;
    }
    if (this.simd && out.lower && out.upper) {
      this.summarizeSimd(this.simd, data, rows, out, order);
      return;
    }
    for (let r = 0; r < rows; r++) this.summarizeRow(data, r, out, order ? order[r] : r);
  }

  /**
   * Calibrated band: mean ± halfWidth, or ± halfWidth × (members' standard deviation + floor).
   * One pass per row (sum and sum of squares), cheaper than any percentile.
   * @param {import('./member-summary.mjs').ConformalBand} c
   * @param {Float32Array} data
   * @param {number} rows
   * @param {{ prediction: Float64Array, lower: Float64Array, upper: Float64Array }} out
   * @param {Int32Array} [order]
   */
  summarizeConformal(c, data, rows, out, order) {
    const m = this.members;
    const scaled = c.scale === 'member-std' && m > 1;
    const q = c.halfWidth;
    for (let r = 0; r < rows; r++) {
      const at = order ? order[r] : r;
      const base = r * m;
      let sum = 0;
      let squares = 0;
      if (scaled) {
        for (let j = base; j < base + m; j++) {
          const v = data[j];
          sum += v;
          squares += v * v;
        }
      } else {
        for (let j = base; j < base + m; j++) sum += data[j];
      }
      const mean = sum / m;
      const half = scaled ? q * (Math.sqrt(Math.max(0, squares / m - mean * mean)) + c.floor) : q;
      out.prediction[at] = mean;
      out.lower[at] = mean - half;
      out.upper[at] = mean + half;
    }
  }

  /**
   * Row `r` in JavaScript, into index `at`.
   * @param {Float32Array} data
   * @param {number} r
   * @param {import('./member-summary.mjs').SummaryTargets} out
   * @param {number} at
   */
  summarizeRow(data, r, out, at) {
    const m = this.members;
    const base = r * m;
    if (!this.band || !out.lower || !out.upper) {
      let sum = 0;
      for (let j = 0; j < m; j++) sum += data[base + j];
      out.prediction[at] = sum / m;
      return;
    }
    out.prediction[at] = (this.useTails ? this.tails(data, base) : this.sortRow(data, base)) / m;
    out.lower[at] = this.interpolate(this.loPos);
    out.upper[at] = this.interpolate(this.hiPos);
  }

  /**
   * The kernel over chunks of rows; the interpolation, like the JavaScript path's, here.
   * @param {SimdTails} simd
   * @param {Float32Array} data
   * @param {number} rows
   * @param {{ prediction: Float64Array, lower: Float64Array, upper: Float64Array }} out
   * @param {Int32Array} [order]
   */
  summarizeSimd(simd, data, rows, out, order) {
    const m = this.members;
    const loK = Math.floor(this.loPos);
    const loF = this.loPos - loK;
    const hiK = Math.floor(this.hiPos);
    const hiF = this.hiPos - hiK;
    // Slot of sorted index hiK among the largest (slot 0 = the largest).
    const hiSlot = m - 1 - hiK;
    for (let start = 0; start < rows; start += simd.chunkRows) {
      const count = Math.min(simd.chunkRows, rows - start);
      simd.run(data, start, count);
      const { lo, hi, sums } = simd;
      for (let i = 0; i < count; i++) {
        const r = start + i;
        const at = order ? order[r] : r;
        const sum = sums[i];
        // A NaN member would upset the networks (see member-summary.wat): such rows go the slow way.
        if (Number.isNaN(sum)) {
          this.summarizeRow(data, r, out, at);
          continue;
        }
        // Slot k of row i: lanes of four rows, eight slots per group of four.
        const cell = (i >> 2) * SIMD_SLOTS * 4 + (i & 3);
        out.prediction[at] = sum / m;
        const a = lo[cell + loK * 4];
        out.lower[at] = loF === 0 ? a : a + loF * (lo[cell + (loK + 1) * 4] - a);
        const b = hi[cell + hiSlot * 4];
        out.upper[at] = hiF === 0 ? b : b + hiF * (hi[cell + (hiSlot - 1) * 4] - b);
      }
    }
  }

  /**
   * Fills the tail buffers from one row and returns the row's sum (one pass for both).
   * @param {Float32Array} data
   * @param {number} base
   */
  tails(data, base) {
    const { lo, hi, loCount, hiCount } = this;
    const loLast = loCount - 1;
    const hiLast = hiCount - 1;
    lo.fill(Infinity);
    hi.fill(-Infinity);
    let loMax = Infinity;
    let hiMin = -Infinity;
    let sum = 0;
    const end = base + this.members;
    for (let j = base; j < end; j++) {
      const v = data[j];
      sum += v;
      // Ascending buffer of the smallest values; `<=` keeps ties so duplicates count.
      if (v <= loMax) {
        let i = loLast;
        while (i > 0 && lo[i - 1] > v) {
          lo[i] = lo[i - 1];
          i--;
        }
        lo[i] = v;
        loMax = lo[loLast];
      }
      // Descending buffer of the largest values.
      if (v >= hiMin) {
        let i = hiLast;
        while (i > 0 && hi[i - 1] < v) {
          hi[i] = hi[i - 1];
          i--;
        }
        hi[i] = v;
        hiMin = hi[hiLast];
      }
    }
    return sum;
  }

  /**
   * @param {Float32Array} data
   * @param {number} base
   */
  sortRow(data, base) {
    let sum = 0;
    for (let j = 0; j < this.members; j++) {
      const v = data[base + j];
      this.sorted[j] = v;
      sum += v;
    }
    this.sorted.sort();
    return sum;
  }

  /**
   * The k-th smallest member (0-based), from whichever buffer holds it.
   * @param {number} k
   */
  sortedAt(k) {
    if (!this.useTails) return this.sorted[k];
    if (k < this.loCount) return this.lo[k];
    return this.hi[this.members - 1 - k];
  }

  /** @param {number} pos */
  interpolate(pos) {
    const k = Math.floor(pos);
    const frac = pos - k;
    const a = this.sortedAt(k);
    return frac === 0 ? a : a + frac * (this.sortedAt(k + 1) - a);
  }
}

/** One instance of the kernel with its memory laid out for chunks of up to `chunkRows` rows. */
class SimdTails {
  /**
   * @param {WebAssembly.Module} module
   * @param {number} members
   */
  constructor(module, members) {
    this.members = members;
    this.instance = new WebAssembly.Instance(module, {});
    /** Rows per kernel call, a multiple of 4. */
    this.chunkRows = Math.max(4, Math.floor(SIMD_CHUNK_VALUES / members) & ~3);
    const slotBytes = this.chunkRows * SIMD_SLOTS * 4;
    this.loPtr = this.chunkRows * members * 4;
    this.hiPtr = this.loPtr + slotBytes;
    this.sumPtr = this.hiPtr + slotBytes;
    const memory = /** @type {WebAssembly.Memory} */ (this.instance.exports.memory);
    const pages = Math.ceil((this.sumPtr + this.chunkRows * 8) / 65536);
    if (pages > memory.buffer.byteLength / 65536) memory.grow(pages - memory.buffer.byteLength / 65536);
    this.input = new Float32Array(memory.buffer, 0, this.chunkRows * members);
    this.lo = new Float32Array(memory.buffer, this.loPtr, this.chunkRows * SIMD_SLOTS);
    this.hi = new Float32Array(memory.buffer, this.hiPtr, this.chunkRows * SIMD_SLOTS);
    this.sums = new Float64Array(memory.buffer, this.sumPtr, this.chunkRows);
    this.kernel =
      /** @type {(inPtr: number, rows: number, m: number, loOut: number, hiOut: number, sumOut: number) => void} */ (
        this.instance.exports.summarize
      );
  }

  /**
   * Finds the tails and sums of rows [start, start + count) of `data` (count <= chunkRows) into
   * `lo`, `hi` and `sums`, row i of the chunk at lane i % 4 of group i / 4.
   * @param {Float32Array} data
   * @param {number} start
   * @param {number} count
   */
  run(data, start, count) {
    const m = this.members;
    const padded = (count + 3) & ~3;
    this.input.set(data.subarray(start * m, (start + count) * m));
    if (padded > count) this.input.fill(0, count * m, padded * m);
    this.kernel(0, padded, m, this.loPtr, this.hiPtr, this.sumPtr);
  }
}

/**
 * The model output of `n` rows as a float32 [n, members] block, or an error naming what came
 * instead. Both threads check their onnxruntime output with it before summarizing.
 * @param {{ type: string, dims: readonly number[], data: unknown } | undefined} tensor
 * @param {string} output the output's name (for the message)
 * @param {number} n
 * @param {number} members
 * @returns {Float32Array}
 */
export function memberBlock(tensor, output, n, members) {
  if (
    !tensor ||
    tensor.type !== 'float32' ||
    tensor.dims.length !== 2 ||
    tensor.dims[0] !== n ||
    tensor.dims[1] !== members
  ) {
    const got = tensor ? `${tensor.type} [${tensor.dims.join(', ')}]` : 'nothing';
    throw new Error(`output "${output}" should be float32 [${n}, ${members}], got ${got}`);
  }
  return /** @type {Float32Array} */ (tensor.data);
}

/**
 * Values in the packed block of `n` rows (see packedTargets).
 * @param {number} n
 * @param {boolean} hasBand
 */
export function packedLength(n, hasBand) {
  return (hasBand ? 3 : 1) * n;
}

/**
 * The summaries of `n` rows packed in one block, as the worker posts them back (one transfer):
 * predictions at [0, n), and with a band lower bounds at [n, 2n) and upper bounds at [2n, 3n).
 * @param {Float64Array} block of `n` values, or `3 * n` with a band
 * @param {number} n
 * @param {boolean} hasBand
 * @returns {import('./member-summary.mjs').SummaryTargets}
 */
export function packedTargets(block, n, hasBand) {
  return {
    prediction: block.subarray(0, n),
    lower: hasBand ? block.subarray(n, 2 * n) : null,
    upper: hasBand ? block.subarray(2 * n, 3 * n) : null,
  };
}
