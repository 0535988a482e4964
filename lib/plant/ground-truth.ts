/**
 * The simulated plant's true yield for a reading's values (the simulator records it as each
 * point's `actual`): the process model, fed by signal name.
 */
import type { SignalValues } from '../twin/types';
import { processYield as yieldOf } from './process-model';

export function processYield(values: SignalValues): number {
  return yieldOf({
    temperature: values.temperature ?? NaN,
    pressure: values.pressure ?? NaN,
    flow: values.flow ?? NaN,
  });
}
