/**
 * Gradient-boosted regression trees (squared error): start from the mean, then each tree fits
 * the residuals of the ones before, shrunk by the learning rate. Where a random forest averages
 * deep trees grown on the same target (and so flattens a peak: every leaf near it also holds
 * lower rows), boosting keeps correcting what is left, and reaches the plant's optimum.
 *
 * The trees are the forest's CART trees (random-forest.ts), so they export to the same ONNX
 * TreeEnsemble; `boostedToForest` folds the learning rate and the starting value into the leaf
 * values, so the ensemble's plain sum is the prediction.
 */
import { fitTree, predictTree, sortRowsByFeature, type Dataset, type Forest, type Tree } from './random-forest';

export interface BoostingOptions {
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  learningRate: number;
  seed: number;
}

/** Fits the trees; the returned forest's trees already include learning rate and start value (sum = prediction). */
export function fitBoosted(data: Dataset, options: BoostingOptions): Forest {
  if (data.rows < 2) throw new Error('need at least 2 training rows');
  if (!(options.learningRate > 0 && options.learningRate <= 1)) throw new Error('learningRate must be in (0, 1]');
  const n = data.rows;
  let start = 0;
  for (let i = 0; i < n; i++) start += data.y[i]!;
  start /= n;
  const current = new Float64Array(n).fill(Math.fround(start));
  const residual = new Float64Array(n);
  const presorted = sortRowsByFeature(data);
  const trees: Tree[] = [];
  for (let t = 0; t < options.trees; t++) {
    for (let i = 0; i < n; i++) residual[i] = data.y[i]! - current[i]!;
    const tree = fitTree(
      { x: data.x, y: residual, rows: n, featureCount: data.featureCount },
      { maxDepth: options.maxDepth, minSamplesLeaf: options.minSamplesLeaf, seed: options.seed + t },
      presorted,
    );
    // Shrink (and for the first tree add the start value) in float32, as the graph stores it.
    for (let j = 0; j < tree.value.length; j++) {
      if (tree.feature[j]! < 0) {
        tree.value[j] = Math.fround(tree.value[j]! * options.learningRate + (t === 0 ? Math.fround(start) : 0));
      }
    }
    for (let i = 0; i < n; i++) {
      current[i] = (t === 0 ? 0 : current[i]!) + predictTree(tree, data.x, i * data.featureCount);
    }
    trees.push(tree);
  }
  return { trees, featureCount: data.featureCount };
}

/** The boosted prediction (sum over trees) for every row of float32 standardized `x`. */
export function predictBoosted(model: Forest, x: Float32Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (const tree of model.trees) sum += predictTree(tree, x, r * model.featureCount);
    out[r] = sum;
  }
  return out;
}
