import { describe, expect, it } from 'vitest';
import {
  batchSizes,
  buildGrid,
  buildSweeps,
  curvesFromBatch,
  heatmapFromBatch,
  initialValues,
  linspace,
  relativeChange,
  snapToStep,
  stepDecimals,
  type BatchResult,
  type WhatIfFeature,
} from './inputs';

const FEATURES: WhatIfFeature[] = [
  {
    name: 'temperature',
    label: 'Temperature',
    unit: '°C',
    min: 300,
    max: 400,
    step: 1,
    training: { mean: 350.05, std: 29, min: 300, max: 400 },
  },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10, step: 0.1 },
  { name: 'flow', label: 'Flow', unit: 'kg/h', min: 50, max: 150, step: 1 },
];
const HELD = { temperature: 360, pressure: 6, flow: 100 };

/** A fake model answer for every input of a batch: prediction = index, band ±1. */
const answerAll = (n: number, skip: number[] = []): BatchResult[] =>
  Array.from({ length: n }, (_, index) => ({ index, prediction: index, lower: index - 1, upper: index + 1 })).filter(
    (r) => !skip.includes(r.index),
  );

describe('slider values', () => {
  it('snaps to the step grid inside the range, without float noise', () => {
    expect(stepDecimals(1)).toBe(0);
    expect(stepDecimals(0.1)).toBe(1);
    expect(stepDecimals(0.25)).toBe(2);
    expect(snapToStep(5.8234, FEATURES[1]!)).toBe(5.8);
    expect(snapToStep(0.3, FEATURES[1]!)).toBe(1);
    expect(snapToStep(451.5, FEATURES[0]!)).toBe(400);
    expect(snapToStep(352.6, FEATURES[0]!)).toBe(353);
  });

  it('starts from the live reading, else the training mean, else mid-range', () => {
    expect(initialValues(FEATURES, { temperature: 352.61, pressure: 5.83, flow: 99.2 })).toEqual({
      temperature: 353,
      pressure: 5.8,
      flow: 99,
    });
    expect(initialValues(FEATURES, null)).toEqual({ temperature: 350, pressure: 5.5, flow: 100 });
    expect(initialValues(FEATURES, { pressure: 7.04 })).toEqual({ temperature: 350, pressure: 7, flow: 100 });
  });
});

describe('sweeps', () => {
  it('linspace includes both ends', () => {
    expect(linspace(1, 10, 4)).toEqual([1, 4, 7, 10]);
    expect(linspace(300, 400, 30)).toHaveLength(30);
    expect(linspace(300, 400, 30).at(-1)).toBe(400);
  });

  it('sweeps every feature across its valid range with the others held, in one input list', () => {
    const plan = buildSweeps(FEATURES, HELD, 30);
    expect(plan.inputs).toHaveLength(90);
    expect(plan.slices.map((s) => [s.feature, s.offset, s.x.length])).toEqual([
      ['temperature', 0, 30],
      ['pressure', 30, 30],
      ['flow', 60, 30],
    ]);
    const pressure = plan.inputs.slice(30, 60);
    expect(pressure[0]).toEqual({ temperature: 360, pressure: 1, flow: 100 });
    expect(pressure.at(-1)).toEqual({ temperature: 360, pressure: 10, flow: 100 });
    expect(pressure.every((i) => i.temperature === 360 && i.flow === 100)).toBe(true);
    const temps = plan.inputs.slice(0, 30).map((i) => i.temperature!);
    expect(Math.min(...temps)).toBe(300);
    expect(Math.max(...temps)).toBe(400);
  });

  it('holds out-of-range values at the range edge, so every sweep input can be scored', () => {
    const plan = buildSweeps(FEATURES, { ...HELD, temperature: 450 }, 5);
    expect(plan.inputs.slice(5).every((i) => i.temperature === 400)).toBe(true);
  });

  it('stays within the server batch limit', () => {
    expect(batchSizes(3, 1000)).toEqual({ sweepPoints: 30, gridSize: 25 });
    expect(batchSizes(50, 1000).sweepPoints).toBe(20);
    expect(batchSizes(3, 100)).toEqual({ sweepPoints: 30, gridSize: 10 });
    const { sweepPoints } = batchSizes(12, 100);
    expect(sweepPoints * 12).toBeLessThanOrEqual(100);
  });

  it('maps batch results back to one curve per feature, null where an item was refused', () => {
    const plan = buildSweeps(FEATURES, HELD, 4);
    const curves = curvesFromBatch(plan, answerAll(12, [5]).reverse());
    expect(curves.map((c) => c.feature)).toEqual(['temperature', 'pressure', 'flow']);
    expect(curves[0]).toEqual({
      feature: 'temperature',
      x: [300, 300 + 100 / 3, 300 + 200 / 3, 400],
      prediction: [0, 1, 2, 3],
      lower: [-1, 0, 1, 2],
      upper: [1, 2, 3, 4],
    });
    expect(curves[1]!.prediction).toEqual([4, null, 6, 7]);
    expect(curves[2]!.prediction).toEqual([8, 9, 10, 11]);
  });
});

describe('heatmap grid', () => {
  it('spans the first two features, holds the rest, and is row-major by the second', () => {
    const grid = buildGrid(FEATURES, HELD, 25)!;
    expect(grid.xFeature).toBe('temperature');
    expect(grid.yFeature).toBe('pressure');
    expect(grid.inputs).toHaveLength(625);
    expect(grid.inputs.every((i) => i.flow === 100)).toBe(true);
    expect(grid.inputs[0]).toEqual({ temperature: 300, pressure: 1, flow: 100 });
    expect(grid.inputs[1]).toEqual({ temperature: grid.x[1], pressure: 1, flow: 100 });
    expect(grid.inputs[25]).toEqual({ temperature: 300, pressure: grid.y[1], flow: 100 });
    expect(grid.inputs[624]).toEqual({ temperature: 400, pressure: 10, flow: 100 });
  });

  it('gives no grid for a single-feature model', () => {
    expect(buildGrid(FEATURES.slice(0, 1), HELD, 25)).toBeNull();
  });

  it('maps results to z[row][column], null where refused', () => {
    const grid = buildGrid(FEATURES, HELD, 3)!;
    const z = heatmapFromBatch(grid, answerAll(9, [4]));
    expect(z).toEqual([
      [0, 1, 2],
      [3, null, 5],
      [6, 7, 8],
    ]);
  });
});

describe('relativeChange', () => {
  it('is the change against the live prediction in percent', () => {
    expect(relativeChange(88, 80)).toBeCloseTo(10);
    expect(relativeChange(72, 80)).toBeCloseTo(-10);
    expect(relativeChange(72, null)).toBeNull();
    expect(relativeChange(72, 0)).toBeNull();
  });
});
