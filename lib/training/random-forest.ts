/**
 * A small random-forest regressor: CART trees (variance reduction) on bootstrap samples, seeded.
 *
 * Built to be exported to ONNX and to agree with onnxruntime bit for bit:
 * - inputs are float32 values (the caller standardizes them the way the ONNX graph does);
 * - thresholds are float32 numbers strictly between two training values, compared with `<=`
 *   (BRANCH_LEQ), so a float32 input takes the same branch here and in onnxruntime;
 * - leaf values are rounded to float32, as stored in the graph.
 * Training is deterministic: the same data, options and seed give the same trees.
 */
import { createRandom, type Random } from '../plant/random';

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** No leaf holds fewer (bootstrap) samples than this; also bounds the model size. */
  minSamplesLeaf: number;
  seed: number;
  /** Features tried per split (default: all, as scikit-learn does for regression). */
  maxFeatures?: number;
  /** Draw each tree's rows with replacement (default true). */
  bootstrap?: boolean;
}

/**
 * One tree as flat arrays in depth-first order (root 0, left subtree before right).
 * `feature[i] < 0` marks a leaf; `left`/`right` are node indices.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf prediction (float32-representable); 0 for branch nodes. */
  value: Float64Array;
}

export interface Forest {
  trees: Tree[];
  featureCount: number;
}

/** Row-major float32 matrix: `x[r * featureCount + f]`. */
export interface Dataset {
  x: Float32Array;
  y: Float64Array;
  rows: number;
  featureCount: number;
}

/** Fits a forest. Each tree draws from its own seeded stream, so tree t does not depend on the others. */
export function fitForest(data: Dataset, options: ForestOptions): Forest {
  if (data.rows < 2) throw new Error('need at least 2 training rows');
  if (options.trees < 1 || options.maxDepth < 1 || options.minSamplesLeaf < 1) {
    throw new Error('trees, maxDepth and minSamplesLeaf must be >= 1');
  }
  const trees: Tree[] = [];
  for (let t = 0; t < options.trees; t++) {
    const random = createRandom(treeSeed(options.seed, t));
    trees.push(new TreeBuilder(data, options, random).build());
  }
  return { trees, featureCount: data.featureCount };
}

/**
 * Grows one tree on all rows of `data` (no bootstrap): the building block of gradient boosting,
 * which fits each tree to the residuals of the ones before. `presorted` (per feature, the row
 * indices sorted by that feature, from `sortRowsByFeature`) saves re-sorting the same x per tree.
 */
export function fitTree(
  data: Dataset,
  options: Omit<ForestOptions, 'trees' | 'bootstrap'>,
  presorted?: Int32Array[],
): Tree {
  const random = createRandom(options.seed >>> 0);
  return new TreeBuilder(data, { ...options, trees: 1, bootstrap: false }, random, presorted).build();
}

/** Per feature, every row index sorted by that feature (ties by index), for `fitTree`. */
export function sortRowsByFeature(data: Dataset): Int32Array[] {
  const f = data.featureCount;
  return Array.from({ length: f }, (_, feature) => {
    const order = Array.from({ length: data.rows }, (_, i) => i);
    order.sort((a, b) => data.x[a * f + feature]! - data.x[b * f + feature]! || a - b);
    return Int32Array.from(order);
  });
}

function treeSeed(seed: number, tree: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x01000193) + Math.imul(tree + 1, 0x9e3779b9)) >>> 0;
}

/** Follows one row (float32 standardized features starting at `offset`) to its leaf value. */
export function predictTree(tree: Tree, x: ArrayLike<number>, offset = 0): number {
  let n = 0;
  let f = tree.feature[0]!;
  while (f >= 0) {
    n = x[offset + f]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
    f = tree.feature[n]!;
  }
  return tree.value[n]!;
}

/** Every tree's prediction for one row, into `out` (length = number of trees). */
export function predictMembers(forest: Forest, x: ArrayLike<number>, offset: number, out: Float64Array): void {
  for (let t = 0; t < forest.trees.length; t++) out[t] = predictTree(forest.trees[t]!, x, offset);
}

/** The forest's prediction (mean over trees) for every row. */
export function predictForest(forest: Forest, x: Float32Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  const members = new Float64Array(forest.trees.length);
  for (let r = 0; r < rows; r++) {
    predictMembers(forest, x, r * forest.featureCount, members);
    let sum = 0;
    for (let t = 0; t < members.length; t++) sum += members[t]!;
    out[r] = sum / members.length;
  }
  return out;
}

export function countLeaves(tree: Tree): number {
  let leaves = 0;
  for (let i = 0; i < tree.feature.length; i++) if (tree.feature[i]! < 0) leaves++;
  return leaves;
}

interface Split {
  feature: number;
  threshold: number;
  /** Number of samples going left, i.e. the split position in each feature's sorted list. */
  leftCount: number;
}

/**
 * Grows one tree. Samples are kept, per feature, in arrays sorted by that feature; a split
 * partitions every feature's segment stably, so children stay sorted without re-sorting.
 */
class TreeBuilder {
  private readonly f: number;
  private readonly sorted: Int32Array[];
  private readonly goesLeft: Uint8Array;
  private readonly scratch: Int32Array;
  private readonly featureOrder: Int32Array;
  private readonly nodes: { feature: number; threshold: number; left: number; right: number; value: number }[] = [];

  constructor(
    private readonly data: Dataset,
    private readonly options: ForestOptions,
    private readonly random: Random,
    presorted?: Int32Array[],
  ) {
    this.f = data.featureCount;
    const n = data.rows;
    // Indexed by row: copies of a row drawn twice share their values, so they share a side.
    this.goesLeft = new Uint8Array(n);
    this.scratch = new Int32Array(n);
    this.featureOrder = Int32Array.from({ length: this.f }, (_, i) => i);
    if (presorted) {
      this.sorted = presorted.map((order) => order.slice());
      return;
    }
    const sample = new Int32Array(n);
    if (options.bootstrap ?? true) {
      for (let i = 0; i < n; i++) sample[i] = Math.floor(random.next() * n);
    } else {
      for (let i = 0; i < n; i++) sample[i] = i;
    }
    this.sorted = [];
    for (let feature = 0; feature < this.f; feature++) {
      const order = Array.from(sample);
      // Ties broken by row index so the order never depends on the sort algorithm.
      order.sort((a, b) => data.x[a * this.f + feature]! - data.x[b * this.f + feature]! || a - b);
      this.sorted.push(Int32Array.from(order));
    }
  }

  build(): Tree {
    this.grow(0, this.data.rows, 0);
    const count = this.nodes.length;
    const tree: Tree = {
      feature: new Int32Array(count),
      threshold: new Float32Array(count),
      left: new Int32Array(count),
      right: new Int32Array(count),
      value: new Float64Array(count),
    };
    this.nodes.forEach((node, i) => {
      tree.feature[i] = node.feature;
      tree.threshold[i] = node.threshold;
      tree.left[i] = node.left;
      tree.right[i] = node.right;
      tree.value[i] = node.value;
    });
    return tree;
  }

  /** Grows the subtree over sorted positions [start, end) and returns its node index. */
  private grow(start: number, end: number, depth: number): number {
    const index = this.nodes.length;
    const node = { feature: -1, threshold: 0, left: -1, right: -1, value: 0 };
    this.nodes.push(node);
    const split = depth < this.options.maxDepth ? this.bestSplit(start, end) : null;
    if (!split) {
      node.value = Math.fround(this.mean(start, end));
      return index;
    }
    this.partition(start, end, split);
    node.feature = split.feature;
    node.threshold = split.threshold;
    node.left = this.grow(start, start + split.leftCount, depth + 1);
    node.right = this.grow(start + split.leftCount, end, depth + 1);
    return index;
  }

  private mean(start: number, end: number): number {
    const rows = this.sorted[0]!;
    let sum = 0;
    for (let i = start; i < end; i++) sum += this.data.y[rows[i]!]!;
    return sum / (end - start);
  }

  private bestSplit(start: number, end: number): Split | null {
    const n = end - start;
    const minLeaf = this.options.minSamplesLeaf;
    if (n < 2 * minLeaf) return null;
    const { x, y } = this.data;
    const f = this.f;
    let total = 0;
    const any = this.sorted[0]!;
    for (let i = start; i < end; i++) total += y[any[i]!]!;
    // Maximizing sumL²/nL + sumR²/nR is minimizing the children's squared error.
    const parentScore = (total * total) / n;
    let best: Split | null = null;
    let bestScore = parentScore + 1e-9 * Math.max(1, Math.abs(parentScore));
    for (const feature of this.featuresToTry()) {
      const order = this.sorted[feature]!;
      let leftSum = 0;
      for (let i = start; i < end - minLeaf; i++) {
        const row = order[i]!;
        leftSum += y[row]!;
        const nLeft = i - start + 1;
        if (nLeft < minLeaf) continue;
        const a = x[row * f + feature]!;
        const b = x[order[i + 1]! * f + feature]!;
        if (a === b) continue;
        const rightSum = total - leftSum;
        const score = (leftSum * leftSum) / nLeft + (rightSum * rightSum) / (n - nLeft);
        if (score > bestScore) {
          bestScore = score;
          const mid = Math.fround((a + b) / 2);
          // Rounding to float32 may land on b when a and b are adjacent floats; a is always valid.
          best = { feature, threshold: mid >= a && mid < b ? mid : a, leftCount: nLeft };
        }
      }
    }
    return best;
  }

  private featuresToTry(): Int32Array {
    const k = this.options.maxFeatures ?? this.f;
    if (k >= this.f) return this.featureOrder;
    // Partial Fisher-Yates: the first k entries are a uniform random subset.
    const order = this.featureOrder;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.random.next() * (this.f - i));
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    return order.subarray(0, k);
  }

  /** Stable partition of every feature's segment by the split, keeping each side sorted. */
  private partition(start: number, end: number, split: Split): void {
    const { x } = this.data;
    const f = this.f;
    const goesLeft = this.goesLeft;
    for (let i = start; i < end; i++) {
      const row = this.sorted[split.feature]![i]!;
      goesLeft[row] = x[row * f + split.feature]! <= split.threshold ? 1 : 0;
    }
    for (let feature = 0; feature < f; feature++) {
      const order = this.sorted[feature]!;
      let l = start;
      let r = 0;
      for (let i = start; i < end; i++) {
        const row = order[i]!;
        if (goesLeft[row]) order[l++] = row;
        else this.scratch[r++] = row;
      }
      order.set(this.scratch.subarray(0, r), l);
    }
  }
}
