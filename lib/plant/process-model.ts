/**
 * The plant's ground truth: reactor yield (%) as a smooth function of temperature, pressure and
 * flow, plus measurement noise. The simulator produces readings from it and the training CLI
 * samples it to build the shipped model, so both agree on what "the plant" is.
 *
 * Shape (u, v, w are the signals scaled to roughly [-1, 1] around the optimum):
 *   yield = 90 - 14u² - 2u³ - 9v² - 6w² - 4uv + 3uw
 * - optimum 90 % at 360 °C, 6 bar, 100 kg/h (every term has zero slope there), inside the box;
 * - the cubic makes the temperature response asymmetric (overheating costs more than running
 *   cool), like thermal degradation of the product;
 * - -4uv: hot and high-pressure together hurts more than either alone (side reactions);
 * - +3uw: more flow (shorter residence time) tolerates a hotter reactor.
 * Over the valid box yields span about 33-90 %, mostly 45-90 %; the reference dashboard's
 * 85 - 0.05(T-360)² - 2(P-6)² falls to -95 % at 300 °C, which no operator would believe.
 */
import { createRandom, type Random } from './random';

export { createRandom, type Random };

/** Operating conditions: the model's inputs, in input order. */
export interface OperatingPoint {
  /** Reactor temperature, °C. */
  temperature: number;
  /** Reactor pressure, bar. */
  pressure: number;
  /** Feed flow, kg/h. */
  flow: number;
}

export type FeatureName = keyof OperatingPoint;

export interface FeatureSpec {
  name: FeatureName;
  label: string;
  unit: string;
  /** Valid (instrumented, physically meaningful) range. */
  min: number;
  max: number;
  /** Slider step for what-if exploration. */
  step: number;
  /** Other names clients may send it under (the reference service calls temperature `temp`). */
  aliases?: readonly string[];
}

/** The process signals, in model input order, with their valid ranges. */
export const PROCESS_FEATURES: readonly FeatureSpec[] = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400, step: 1, aliases: ['temp'] },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10, step: 0.1 },
  { name: 'flow', label: 'Flow', unit: 'kg/h', min: 50, max: 150, step: 1 },
];

export const PROCESS_FEATURE_NAMES: readonly FeatureName[] = PROCESS_FEATURES.map((f) => f.name);

export const PROCESS_TARGET = { name: 'yield', label: 'Yield', unit: '%' } as const;

/** Where the true yield peaks, and the peak value. */
export const PROCESS_OPTIMUM: Readonly<OperatingPoint> = { temperature: 360, pressure: 6, flow: 100 };
export const PROCESS_OPTIMUM_YIELD = 90;

/** Standard deviation of the yield measurement (lab assay), percentage points. */
export const YIELD_NOISE_STD = 0.8;

/** The true (noise-free) yield, %. Defined outside the valid box too (training never goes there). */
export function processYield({ temperature, pressure, flow }: OperatingPoint): number {
  const u = (temperature - 360) / 40;
  const v = (pressure - 6) / 4;
  const w = (flow - 100) / 50;
  return 90 - 14 * u * u - 2 * u * u * u - 9 * v * v - 6 * w * w - 4 * u * v + 3 * u * w;
}

/** A measured yield: the true yield plus gaussian assay noise drawn from `random`. */
export function measuredYield(point: OperatingPoint, random: Random, noiseStd = YIELD_NOISE_STD): number {
  return processYield(point) + random.gaussian() * noiseStd;
}

/** A uniformly random operating point inside the valid box. */
export function randomOperatingPoint(random: Random): OperatingPoint {
  const [t, p, f] = PROCESS_FEATURES.map((s) => s.min + random.next() * (s.max - s.min));
  return { temperature: t!, pressure: p!, flow: f! };
}
