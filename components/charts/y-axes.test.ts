import { describe, expect, it } from 'vitest';
import { conditionsFigure } from '../dashboard/figures';
import type { Series } from '../dashboard/series';
import { axesToken, axisKeys, withYAxes } from './y-axes';

const signals = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
  { name: 'flow', label: 'Flow', unit: 'kg/h', min: 50, max: 150 },
];
const empty: Series = {
  revision: 0,
  windowMs: 60_000,
  count: 0,
  x: [],
  prediction: [],
  bands: [],
  actual: null,
  predicted: 0,
  values: {},
  outOfRange: {},
  outOfRangeRuns: [],
};

describe('y-axis scales', () => {
  it('pins a fixed signal’s own axis and leaves the auto ones (and their placement) alone', () => {
    const { layout } = conditionsFigure(empty, signals, 'u');
    const out = withYAxes(layout, axisKeys(signals.map((s) => s.name)), { pressure: { min: 4, max: 8 } }) as Record<
      string,
      Record<string, unknown>
    >;
    expect(out.yaxis2).toMatchObject({ autorange: false, range: [4, 8], overlaying: 'y', side: 'right' });
    expect(out.yaxis).toMatchObject({ autorange: true });
    expect(out.yaxis!.range).toBeUndefined();
    expect(out.yaxis3).toMatchObject({ autorange: true });
    // The input layout is not changed; no fixed axis: the same layout back.
    expect((layout as Record<string, Record<string, unknown>>).yaxis2!.range).toBeUndefined();
    expect(withYAxes(layout, axisKeys(['temperature']), {})).toBe(layout);
  });

  it('a token that changes with the ranges of the chart’s signals only', () => {
    expect(axesToken({}, ['prediction'])).toBe('');
    expect(axesToken({ prediction: { min: 60, max: 95 }, other: { min: 0, max: 1 } }, ['prediction'])).toBe(
      'prediction:60:95',
    );
  });
});
