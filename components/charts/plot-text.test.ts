import { describe, expect, it } from 'vitest';
import { RingBuffer } from '@/lib/realtime/ring-buffer';
import type { Point, SignalInfo } from '@/lib/twin/types';
import { buildSeries, conditionsFigure, predictionFigure } from '../dashboard/figures';
import { plotText } from './theme';

const LINK = '<a href="https://evil.example/">Yield</a>';

/** Every string anywhere in a figure (titles, legend names, hover templates, notes). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

describe('labels from twin.json reach Plotly as text, not markup', () => {
  it('escapes the characters Plotly reads as tags and entities', () => {
    expect(plotText(LINK)).toBe('&lt;a href=&quot;https://evil.example/&quot;&gt;Yield&lt;/a&gt;');
    expect(plotText('Temperature (°C) & "feed"')).toBe('Temperature (°C) &amp; &quot;feed&quot;');
  });

  it('leaves no tag from a label or unit in the dashboard figures', () => {
    const signals: SignalInfo[] = [{ name: 'temperature', label: LINK, unit: '<b>degC</b>', min: 300, max: 400 }];
    const buffer = new RingBuffer<Point>(10);
    buffer.push({
      seq: 0,
      ts: 1_700_000_000_000,
      values: { temperature: 450 },
      prediction: 85,
      lower: 84,
      upper: 86,
      modelVersion: 'v1',
      inferenceMs: 1,
      flags: [],
    });
    const s = buildSeries(buffer, 60_000, 1_700_000_000_000, signals, 1);
    const figures = [
      predictionFigure(s, { name: 'yield', label: LINK, unit: '<i>%</i>' }, 'u', '<a href="x">band</a>'),
      conditionsFigure(s, signals, 'u'),
    ];
    const text = figures.flatMap((f) => strings(f));
    expect(text.some((t) => t.includes('&lt;a href'))).toBe(true);
    for (const t of text) expect(t).not.toMatch(/<(a|b|i)[\s>]/);
  });
});
