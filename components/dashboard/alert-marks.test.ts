import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '@/lib/alerts/types';
import { alertMarks, NO_MARKS, withAlertMarks } from './alert-marks';

const alert = (id: number, raisedAt: number, severity: 'warning' | 'critical' = 'critical'): AlertEvent => ({
  id,
  ruleId: 'r',
  assetId: 'reactor-1',
  signal: 'temperature',
  severity,
  priority: 'high',
  direction: 'high',
  limit: 400,
  value: 410,
  peak: 410,
  state: 'active_unacked',
  raisedAt,
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackComment: null,
  returnedAt: null,
  clearedAt: null,
  shelf: null,
});

describe('alertMarks', () => {
  it('draws a vertical line at raisedAt (shifted like the series) for alerts in the window only', () => {
    const end = Date.UTC(2026, 0, 1, 12);
    const shift = -new Date(end).getTimezoneOffset() * 60_000;
    const marks = alertMarks([alert(3, end - 10_000), alert(2, end - 120_000), alert(1, end - 400_000)], end, 300_000);
    expect(marks.shapes.map((s) => [s.name, s.x0, s.x1, s.yref])).toEqual([
      ['alert-3', end - 10_000 + shift, end - 10_000 + shift, 'paper'],
      ['alert-2', end - 120_000 + shift, end - 120_000 + shift, 'paper'],
    ]);
    expect(marks.annotations).toHaveLength(2);
  });

  it('keeps the layout untouched without alerts in view, and adds to its own shapes otherwise', () => {
    expect(alertMarks([], 1, 1)).toBe(NO_MARKS);
    const layout = { shapes: [{ type: 'rect' as const }], annotations: [] };
    expect(withAlertMarks(layout, NO_MARKS)).toBe(layout);
    const marked = withAlertMarks(layout, alertMarks([alert(1, 1_000)], 2_000, 60_000));
    expect(marked.shapes).toHaveLength(2);
  });
});
