/**
 * The simulated plant's true yield. Delegates to the process model so simulator, training and
 * tests share one definition.
 */
import type { SignalValues } from '../twin/types';

export function processYield(values: SignalValues): number {
  const t = values.temperature ?? 360;
  const p = values.pressure ?? 6;
  return 85 - 0.05 * (t - 360) ** 2 - 2 * (p - 6) ** 2;
}
