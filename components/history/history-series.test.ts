import { describe, expect, it } from 'vitest';
import type { HistoryResult } from '@/lib/twin/history';
import { formatZoned } from '@/lib/time/zoned';
import { historySeries } from './history-series';

const T0 = Date.parse('2026-07-01T10:00:00Z');
const SIGNALS = [{ name: 'temperature', label: 'Temperature', unit: 'K', min: 300, max: 400 }];

function result(times: number[], bucketMs = 1_000): HistoryResult {
  return {
    assetId: 'reactor-1',
    from: T0,
    to: T0 + 3_600_000,
    maxPoints: 2_000,
    bucketMs,
    rawCount: times.length,
    downsampled: false,
    series: {
      temperature: { t: times, v: times.map((_, i) => (i === 3 ? 410 : 350)) },
      prediction: { t: times, v: times.map(() => 87), lower: times.map(() => 85), upper: times.map(() => 89) },
    },
  };
}

describe('historySeries', () => {
  it('keeps readings 10 s apart as one line at 1 s buckets, in the chosen zone', () => {
    const t = Array.from({ length: 30 }, (_, i) => T0 + i * 10_000);
    const s = historySeries(result(t), SIGNALS, 'Europe/Paris', 1, 'UTC');
    expect(s.values.temperature).toHaveLength(30);
    expect(s.values.temperature!.includes(null)).toBe(false);
    // A UTC browser shows the number's UTC wall clock: it must read as Paris time.
    expect(formatZoned(s.signalX!.temperature![0]!, 'UTC')).toBe(formatZoned(T0, 'Europe/Paris'));
    expect(s.bands).toHaveLength(1);
    // Out-of-range readings get their markers.
    expect(s.outOfRange.temperature!.y).toEqual([410]);
  });

  it('breaks the line and the band where nothing was stored', () => {
    const t = [
      ...Array.from({ length: 10 }, (_, i) => T0 + i * 1_000),
      ...Array.from({ length: 10 }, (_, i) => T0 + 600_000 + i * 1_000),
    ];
    const s = historySeries(result(t), SIGNALS, 'UTC', 1, 'UTC');
    expect(s.values.temperature!.filter((v) => v === null)).toHaveLength(1);
    expect(s.prediction.filter((v) => v === null)).toHaveLength(1);
    expect(s.bands).toHaveLength(2);
  });
});
