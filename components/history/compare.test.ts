import { describe, expect, it } from 'vitest';
import type { HistoryResult } from '@/lib/twin/history';
import type { SignalInfo } from '@/lib/twin/types';
import { conditionsFigure, predictionFigure } from '../dashboard/figures';
import { compareOffset, conditionsOverlay, periodLabel, predictionOverlay, shiftHistory } from './compare';
import { historySeries } from './history-series';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const signals: SignalInfo[] = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
];
const target = { name: 'yield', label: 'Yield', unit: '%' };

function answer(from: number, temps: number[]): HistoryResult {
  const t = temps.map((_, i) => from + i * 10_000);
  return {
    assetId: 'reactor-1',
    from,
    to: from + 600_000,
    maxPoints: 2000,
    bucketMs: 1000,
    rawCount: temps.length,
    downsampled: false,
    series: {
      temperature: { t, v: temps },
      pressure: { t, v: temps.map(() => 6) },
      prediction: { t, v: temps.map(() => 88), lower: temps.map(() => 86), upper: temps.map(() => 90) },
    },
  };
}

describe('compare periods', () => {
  it('offsets: a day, a week, or back to a chosen earlier start (none when it is not earlier)', () => {
    expect(compareOffset('none', T0, null)).toBeNull();
    expect(compareOffset('day', T0, null)).toBe(DAY);
    expect(compareOffset('week', T0, null)).toBe(7 * DAY);
    expect(compareOffset('start', T0, T0 - 3 * DAY)).toBe(3 * DAY);
    expect(compareOffset('start', T0, T0 + 1)).toBeNull();
    expect(compareOffset('start', T0, null)).toBeNull();
    expect(periodLabel('start', T0 - DAY, 'UTC')).toBe('from 2026-12-02 08:00');
  });

  it('draws the earlier period shifted onto the current axis, dashed, named in the legend', () => {
    const now = historySeries(answer(T0, [350, 351, 352]), signals, 'UTC', 1, 'UTC');
    const before = answer(T0 - DAY, [340, 341, 342]);
    const shifted = historySeries(shiftHistory(before, DAY), signals, 'UTC', 2, 'UTC');
    const cond = [...conditionsFigure(now, signals, 'u').data, ...conditionsOverlay(shifted, signals, 'previous day')];
    const names = cond.map((d) => (d as { name?: string }).name);
    expect(names).toContain('Temperature');
    expect(names).toContain('Temperature · previous day');
    const overlay = cond.find((d) => (d as { uid?: string }).uid === 'temperature-compare') as {
      x: number[];
      y: number[];
      yaxis: string;
      line: { dash: string };
    };
    const current = cond.find((d) => (d as { uid?: string }).uid === 'temperature') as { x: number[] };
    // Same times on the axis, the earlier values.
    expect(overlay.x).toEqual(current.x);
    expect(overlay.y).toEqual([340, 341, 342]);
    expect(overlay.line.dash).toBe('dash');
    expect((cond.find((d) => (d as { uid?: string }).uid === 'pressure-compare') as { yaxis: string }).yaxis).toBe(
      'y2',
    );
    const pred = [...predictionFigure(now, target, 'u').data, ...predictionOverlay(shifted, target, 'previous day')];
    expect(pred.map((d) => (d as { name?: string }).name)).toContain('Yield predicted · previous day');
  });
});
