/**
 * Exports a trained forest and its scaler as one ONNX graph:
 *
 *   input [N, F] -> Sub(mean) -> Div(std) -> TreeEnsemble -> members [N, T]
 *
 * The ensemble has one output column per tree (n_targets = T, every leaf of tree t writes target
 * t), so a single run returns every member and the runtime derives the mean and the percentile
 * band from them.
 *
 * Operator choice: ai.onnx.ml opset 5 `TreeEnsemble` rather than opset 3
 * `TreeEnsembleRegressor`. Both run on onnxruntime 1.30 with identical results and speed (ORT
 * converts both to the same kernel), but the opset-5 form stores splits, modes and leaf weights
 * as packed tensors and only interior nodes carry branch attributes, where opset 3 spends a
 * string per node ("BRANCH_LEQ"/"LEAF") and ids for every node and leaf. For the shipped
 * 100-tree, depth-10 forest that is about 2.5x smaller, which keeps the package well under its
 * 5 MB budget without starving the trees (a larger min_samples_leaf would cost accuracy).
 */
import type { Forest, Tree } from './random-forest';
import type { Scaler } from './scaler';
import { encodeModel } from './onnx-proto';
import { attr, floatTensor, floatValueInfo, model, node, uint8Tensor } from './onnx-builders';

export interface ForestGraphNames {
  input: string;
  output: string;
  /**
   * "members" (default): one output column per tree, the runtime takes their mean (a forest).
   * "sum": one column, the trees' sum (boosted trees, whose leaves already hold their share).
   */
  combine?: 'members' | 'sum';
}

const BRANCH_LEQ = 0;

/** Serializes forest + scaler to ONNX bytes (deterministic). */
export function forestToOnnx(forest: Forest, scaler: Scaler, names: ForestGraphNames, docString?: string): Uint8Array {
  const f = forest.featureCount;
  const sum = names.combine === 'sum';
  const t = sum ? 1 : forest.trees.length;
  const ensemble = flattenForest(forest.trees, sum);
  const splitCount = ensemble.splits.length;
  const graph = {
    name: sum ? 'twinops_boosted_trees' : 'twinops_random_forest',
    initializer: [floatTensor('scaler_mean', [f], scaler.mean), floatTensor('scaler_std', [f], scaler.std)],
    input: [floatValueInfo(names.input, ['N', f])],
    output: [floatValueInfo(names.output, ['N', t])],
    node: [
      node('Sub', [names.input, 'scaler_mean'], ['centered']),
      node('Div', ['centered', 'scaler_std'], ['standardized']),
      node(
        'TreeEnsemble',
        ['standardized'],
        [names.output],
        [
          attr.int('n_targets', t),
          attr.int('aggregate_function', 1), // SUM: per target, its own tree's leaf (members) or every tree's (sum)
          attr.int('post_transform', 0), // NONE
          attr.ints('tree_roots', ensemble.treeRoots),
          attr.ints('nodes_featureids', ensemble.featureIds),
          attr.tensor('nodes_splits', floatTensor('', [splitCount], ensemble.splits)),
          attr.tensor('nodes_modes', uint8Tensor('', [splitCount], new Uint8Array(splitCount).fill(BRANCH_LEQ))),
          attr.ints('nodes_truenodeids', ensemble.trueIds),
          attr.ints('nodes_trueleafs', ensemble.trueLeafs),
          attr.ints('nodes_falsenodeids', ensemble.falseIds),
          attr.ints('nodes_falseleafs', ensemble.falseLeafs),
          attr.ints('leaf_targetids', ensemble.leafTargets),
          attr.tensor('leaf_weights', floatTensor('', [ensemble.leafWeights.length], ensemble.leafWeights)),
        ],
        'ai.onnx.ml',
      ),
    ],
  };
  // ai.onnx.ml 5 shipped with ONNX opset 21 (ONNX 1.16); declaring that pair keeps the onnx
  // checker's opset-compatibility table happy (onnxruntime itself accepts older default opsets);
  // IR version 10 is the one that release defines.
  return encodeModel(model({ graph, opsets: { '': 21, 'ai.onnx.ml': 5 }, irVersion: 10, docString }));
}

interface FlatEnsemble {
  treeRoots: number[];
  featureIds: number[];
  splits: number[];
  trueIds: number[];
  trueLeafs: number[];
  falseIds: number[];
  falseLeafs: number[];
  leafTargets: number[];
  leafWeights: number[];
}

/**
 * Lays every tree's interior nodes into one node array and its leaves into one leaf array, as
 * the opset-5 operator wants (a child is a node index or, with its *leafs flag set, a leaf index).
 */
function flattenForest(trees: Tree[], sum: boolean): FlatEnsemble {
  const out: FlatEnsemble = {
    treeRoots: [],
    featureIds: [],
    splits: [],
    trueIds: [],
    trueLeafs: [],
    falseIds: [],
    falseLeafs: [],
    leafTargets: [],
    leafWeights: [],
  };
  trees.forEach((tree, index) => {
    const target = sum ? 0 : index;
    if (tree.feature[0]! < 0) {
      // A single-leaf tree has no interior node to root at: branch on feature 0 to that leaf both ways.
      const leaf = pushLeaf(out, target, tree.value[0]!);
      out.treeRoots.push(out.splits.length);
      pushBranch(out, 0, 0, leaf, true, leaf, true);
      return;
    }
    const nodeIndex = new Map<number, number>();
    const leafIndex = new Map<number, number>();
    for (let i = 0; i < tree.feature.length; i++) {
      if (tree.feature[i]! >= 0) nodeIndex.set(i, out.splits.length + nodeIndex.size);
    }
    for (let i = 0; i < tree.feature.length; i++) {
      if (tree.feature[i]! < 0) leafIndex.set(i, pushLeaf(out, target, tree.value[i]!));
    }
    out.treeRoots.push(nodeIndex.get(0)!);
    const child = (i: number): [number, boolean] =>
      tree.feature[i]! < 0 ? [leafIndex.get(i)!, true] : [nodeIndex.get(i)!, false];
    for (let i = 0; i < tree.feature.length; i++) {
      if (tree.feature[i]! < 0) continue;
      const [l, lLeaf] = child(tree.left[i]!);
      const [r, rLeaf] = child(tree.right[i]!);
      pushBranch(out, tree.feature[i]!, tree.threshold[i]!, l, lLeaf, r, rLeaf);
    }
  });
  return out;
}

function pushLeaf(out: FlatEnsemble, target: number, weight: number): number {
  out.leafTargets.push(target);
  out.leafWeights.push(weight);
  return out.leafWeights.length - 1;
}

function pushBranch(
  out: FlatEnsemble,
  feature: number,
  split: number,
  t: number,
  tLeaf: boolean,
  f: number,
  fLeaf: boolean,
): void {
  out.featureIds.push(feature);
  out.splits.push(split);
  out.trueIds.push(t);
  out.trueLeafs.push(tLeaf ? 1 : 0);
  out.falseIds.push(f);
  out.falseLeafs.push(fLeaf ? 1 : 0);
}
