/** Regression quality on held-out rows. */
export interface RegressionMetrics {
  r2: number;
  mae: number;
  rmse: number;
}

/** R² (1 - SSres/SStot), mean absolute error and root mean squared error. */
export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const n = actual.length;
  if (n === 0 || predicted.length !== n) throw new Error('metrics need equally long, non-empty series');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i]!;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i]! - predicted[i]!;
    ssRes += e * e;
    ssTot += (actual[i]! - mean) ** 2;
    abs += Math.abs(e);
  }
  return { r2: ssTot > 0 ? 1 - ssRes / ssTot : 0, mae: abs / n, rmse: Math.sqrt(ssRes / n) };
}
