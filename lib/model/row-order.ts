/**
 * Reorders a large batch so that neighbouring rows are close in feature space (Z-order /
 * Morton curve over the valid ranges). Tree ensembles evaluate row by row, tree by tree; when
 * consecutive rows take the same branches, the CPU predicts them and the run gets faster.
 * Measured on the shipped 100-tree forest with 10,000 uniformly random rows (2-core VM): the
 * onnxruntime run drops from ~60 to ~40 ms, while ordering costs ~1 ms. Small batches gain
 * nothing, so callers use it above a size threshold. Results go back to input order through the
 * returned permutation, so callers never see the difference.
 */

export interface Range {
  min: number;
  max: number;
}

const KEY_BITS = 30;
const RADIX_BITS = 10;

/**
 * A permutation of 0..n-1 sorting the rows (row-major, `ranges.length` values each) along a
 * Morton curve: `order[i]` is the input row to put at position i.
 */
export function localityOrder(rows: Float32Array, n: number, ranges: readonly Range[]): Int32Array {
  const width = ranges.length;
  const used = Math.min(width, KEY_BITS);
  const bits = Math.min(10, Math.floor(KEY_BITS / used));
  const cells = 2 ** bits;
  const spread = spreadTable(used, bits);
  const keys = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    let key = 0;
    for (let j = 0; j < used; j++) {
      const { min, max } = ranges[j]!;
      const q = Math.floor(((rows[r * width + j]! - min) / (max - min)) * cells);
      // Out-of-range (or NaN) values land in the edge cells; ordering never rejects a row.
      key |= spread[j * cells + (q >= 0 ? Math.min(q, cells - 1) : 0)]!;
    }
    keys[r] = key;
  }
  return radixOrder(keys);
}

const spreadTables = new Map<string, Uint32Array>();

/**
 * For feature j and cell q, q's bits spread out to their places in the Morton key: bit b of
 * feature j goes to b * used + (used - 1 - j), so the first feature takes the top bit of each
 * group. Built once per shape; a key is then one lookup per feature instead of a loop per bit.
 */
function spreadTable(used: number, bits: number): Uint32Array {
  const id = `${used}:${bits}`;
  let table = spreadTables.get(id);
  if (!table) {
    const cells = 2 ** bits;
    table = new Uint32Array(used * cells);
    for (let j = 0; j < used; j++) {
      for (let q = 0; q < cells; q++) {
        let v = 0;
        for (let b = 0; b < bits; b++) if ((q >> b) & 1) v += 2 ** (b * used + used - 1 - j);
        table[j * cells + q] = v;
      }
    }
    spreadTables.set(id, table);
  }
  return table;
}

/** Stable LSD radix sort of 30-bit keys, returning the permutation. */
function radixOrder(input: Uint32Array<ArrayBuffer>): Int32Array {
  const n = input.length;
  // Keys travel with their rows, so each pass reads them in sequence.
  let keys = input;
  let spareKeys = new Uint32Array(n);
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Int32Array(n);
  const counts = new Uint32Array(1 << RADIX_BITS);
  const mask = (1 << RADIX_BITS) - 1;
  for (let shift = 0; shift < KEY_BITS; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & mask]!++;
    let total = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b]!;
      counts[b] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const to = counts[(key >>> shift) & mask]!++;
      spare[to] = order[i]!;
      spareKeys[to] = key;
    }
    [order, spare] = [spare, order];
    [keys, spareKeys] = [spareKeys, keys];
  }
  return order;
}

/** The rows in the given order (a new array: the caller's rows are never modified). */
export function permuteRows(rows: Float32Array, width: number, order: Int32Array): Float32Array {
  const out = new Float32Array(order.length * width);
  for (let i = 0; i < order.length; i++) {
    const from = order[i]! * width;
    for (let j = 0; j < width; j++) out[i * width + j] = rows[from + j]!;
  }
  return out;
}
