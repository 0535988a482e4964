/**
 * The simulated plant's yield for a reading's values (the simulator records it as each point's
 * `actual`): the process model, fed by signal name, either as the true yield or as a lab assay
 * of it (true yield + the assay noise the model was trained against). The console records the
 * assay: it is what a plant would have, and a prediction interval promises where the measured
 * value falls, so only a measured value can show whether the band keeps its promise.
 */
import type { SignalValues } from '../twin/types';
import { YIELD_NOISE_STD, createRandom, processYield as yieldOf } from './process-model';

export function processYield(values: SignalValues): number {
  return yieldOf({
    temperature: values.temperature ?? NaN,
    pressure: values.pressure ?? NaN,
    flow: values.flow ?? NaN,
  });
}

/** A measured yield per call: the true yield plus gaussian assay noise from its own seeded stream. */
export function assayedYield(seed: number, noiseStd = YIELD_NOISE_STD): (values: SignalValues) => number {
  const random = createRandom((seed ^ 0x6a09e667) >>> 0);
  return (values) => processYield(values) + random.gaussian() * noiseStd;
}
