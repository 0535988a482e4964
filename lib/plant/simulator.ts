/**
 * The simulated plant, the default source of readings. Each asset's signals follow first-order
 * dynamics toward setpoints with measurement noise, a slow drift, occasional disturbances that
 * push a signal (and so the predicted yield) past its limits, and setpoint changes now and then.
 * Fully determined by its seed: a test can replay it step by step.
 */
import type { Reading, SignalValues } from '../twin/types';
import { createRandom, type Random } from './random';

export interface SimSignal {
  name: string;
  /** Valid range; disturbances aim just past it. */
  min: number;
  max: number;
  /** Time constant of the first-order response, seconds. */
  tauSeconds: number;
  /** Measurement noise, standard deviation. */
  noise: number;
}

export interface SimAsset {
  id: string;
  name: string;
  setpoints: SignalValues;
}

export interface SimulatorOptions {
  assets: SimAsset[];
  signals: SimSignal[];
  seed: number;
  /** Mean seconds between disturbances per asset (0 disables them). */
  disturbanceEverySeconds?: number;
  /** Mean seconds between setpoint changes per asset (0 disables them). */
  setpointChangeEverySeconds?: number;
  /** The true yield of a state, when the plant's ground truth is known (recorded as `actual`). */
  truth?: (values: SignalValues) => number;
}

interface Disturbance {
  signal: string;
  /** Offset added to the setpoint while it lasts. */
  offset: number;
  remainingSeconds: number;
}

interface AssetState {
  asset: SimAsset;
  setpoints: SignalValues;
  state: SignalValues;
  drift: SignalValues;
  disturbance: Disturbance | null;
}

/** The default plant: three reactors with distinct setpoints around the yield optimum. */
export const DEFAULT_ASSETS: SimAsset[] = [
  { id: 'reactor-1', name: 'Reactor 1', setpoints: { temperature: 355, pressure: 6.0, flow: 100 } },
  { id: 'reactor-2', name: 'Reactor 2', setpoints: { temperature: 340, pressure: 5.0, flow: 85 } },
  { id: 'reactor-3', name: 'Reactor 3', setpoints: { temperature: 370, pressure: 7.0, flow: 120 } },
];

export const DEFAULT_SIGNALS: SimSignal[] = [
  { name: 'temperature', min: 300, max: 400, tauSeconds: 20, noise: 0.6 },
  { name: 'pressure', min: 1, max: 10, tauSeconds: 8, noise: 0.04 },
  { name: 'flow', min: 50, max: 150, tauSeconds: 4, noise: 0.8 },
];

export class Simulator {
  private readonly rand: Random;
  private assets: AssetState[];
  private readonly signals: SimSignal[];

  constructor(private readonly opts: SimulatorOptions) {
    this.rand = createRandom(opts.seed);
    this.signals = opts.signals;
    this.assets = opts.assets.map((asset) => this.stateOf(asset));
  }

  private stateOf(asset: SimAsset): AssetState {
    return {
      asset,
      setpoints: { ...asset.setpoints },
      state: { ...asset.setpoints },
      drift: Object.fromEntries(this.opts.signals.map((s) => [s.name, 0])),
      disturbance: null,
    };
  }

  /** Starts simulating an asset (added at run time); one already simulated keeps its state. */
  addAsset(asset: SimAsset): void {
    if (!this.assets.some((a) => a.asset.id === asset.id)) this.assets = [...this.assets, this.stateOf(asset)];
  }

  /** Stops simulating an asset (retired, or no longer simulated). */
  removeAsset(assetId: string): void {
    this.assets = this.assets.filter((a) => a.asset.id !== assetId);
  }

  /** Advances every asset by `dtSeconds` and returns one reading per asset, stamped `ts`. */
  step(dtSeconds: number, ts: number): Reading[] {
    const disturbEvery = this.opts.disturbanceEverySeconds ?? 180;
    const changeEvery = this.opts.setpointChangeEverySeconds ?? 300;
    return this.assets.map((a) => {
      this.maybeChangeSetpoint(a, dtSeconds, changeEvery);
      this.maybeDisturb(a, dtSeconds, disturbEvery);
      const values: SignalValues = {};
      for (const s of this.signals) {
        const span = s.max - s.min;
        // Slow drift: a mean-reverting random walk, a few percent of the span at most.
        const drift =
          (a.drift[s.name] ?? 0) * (1 - dtSeconds / 600) + this.rand.gaussian() * span * 0.0015 * Math.sqrt(dtSeconds);
        a.drift[s.name] = drift;
        const disturbance = a.disturbance?.signal === s.name ? a.disturbance.offset : 0;
        const target = (a.setpoints[s.name] ?? s.min) + drift + disturbance;
        const current = a.state[s.name] ?? target;
        const next = current + (target - current) * Math.min(1, dtSeconds / s.tauSeconds);
        a.state[s.name] = next;
        values[s.name] = round(next + this.rand.gaussian() * s.noise, 3);
      }
      if (a.disturbance) {
        a.disturbance.remainingSeconds -= dtSeconds;
        if (a.disturbance.remainingSeconds <= 0) a.disturbance = null;
      }
      const reading: Reading = { assetId: a.asset.id, ts, values };
      if (this.opts.truth) reading.actual = round(this.opts.truth(a.state), 3);
      return reading;
    });
  }

  private maybeDisturb(a: AssetState, dt: number, every: number): void {
    if (!every || a.disturbance || this.rand.next() >= dt / every) return;
    const remainingSeconds = 10 + this.rand.next() * 30;
    const temperature = this.signals.find((s) => s.name === 'temperature');
    if (temperature && this.rand.next() < 0.5) {
      // A cold-feed event: temperature sags toward the bottom of its range while staying valid,
      // which takes the predicted yield below its low limit (a model-side alarm, not a sensor one).
      const span = temperature.max - temperature.min;
      // Long enough (45-90 s, vs a 20 s time constant) for the temperature to get there.
      const target = temperature.min + span * (0.01 + this.rand.next() * 0.04);
      a.disturbance = {
        signal: 'temperature',
        offset: target - (a.setpoints.temperature ?? target),
        remainingSeconds: 45 + this.rand.next() * 45,
      };
      return;
    }
    const s = this.signals[Math.floor(this.rand.next() * this.signals.length)]!;
    const sp = a.setpoints[s.name] ?? s.min;
    const up = this.rand.next() < 0.5;
    // A sensor excursion: 2-8 % of the span past a limit, so the reading leaves its valid range.
    const overshoot = (s.max - s.min) * (0.02 + this.rand.next() * 0.06);
    const offset = up ? s.max + overshoot - sp : s.min - overshoot - sp;
    a.disturbance = { signal: s.name, offset, remainingSeconds };
  }

  private maybeChangeSetpoint(a: AssetState, dt: number, every: number): void {
    if (!every || this.rand.next() >= dt / every) return;
    const s = this.signals[Math.floor(this.rand.next() * this.signals.length)]!;
    const nominal = a.asset.setpoints[s.name] ?? s.min;
    const span = s.max - s.min;
    a.setpoints[s.name] = round(
      clamp(nominal + (this.rand.next() - 0.5) * span * 0.16, s.min + span * 0.1, s.max - span * 0.1),
      2,
    );
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * `count` assets: the three default reactors first, then more with setpoints spread
 * deterministically around them (for larger simulated plants and benchmarks).
 */
export function plantAssets(count: number): SimAsset[] {
  return Array.from({ length: count }, (_, i) => {
    const base = DEFAULT_ASSETS[i % DEFAULT_ASSETS.length]!;
    if (i < DEFAULT_ASSETS.length) return base;
    const k = Math.floor(i / DEFAULT_ASSETS.length);
    const wiggle = ((i * 7) % 5) - 2; // -2..2
    return {
      id: `reactor-${i + 1}`,
      name: `Reactor ${i + 1}`,
      setpoints: {
        temperature: (base.setpoints.temperature ?? 350) + wiggle * 3,
        pressure: Math.round(((base.setpoints.pressure ?? 6) + wiggle * 0.2) * 100) / 100,
        flow: (base.setpoints.flow ?? 100) + ((k * 5) % 20) - 10,
      },
    };
  });
}
