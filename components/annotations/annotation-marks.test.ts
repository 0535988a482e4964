import { describe, expect, it } from 'vitest';
import type { Annotation } from '@/lib/annotations/types';
import { alertMarks } from '../dashboard/alert-marks';
import { CHART_COLORS } from '../charts/theme';
import { annotationMarks, draftMarks } from './annotation-marks';
import { clickDraft, clickedTs, draftBody, newDraft, rangeDraft } from './annotation-draft';

const T0 = Date.UTC(2026, 11, 4, 8, 0, 0);
const note = (over: Partial<Annotation>): Annotation => ({
  id: 'a1',
  assetId: 'reactor-1',
  start: T0,
  end: null,
  note: 'catalyst change',
  authorId: 'u1',
  authorUsername: 'olivia',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

describe('annotation marks', () => {
  it('a point is a solid line, a range a shaded rect clipped to the view, each with the note on hover', () => {
    const m = annotationMarks(
      [note({}), note({ id: 'a2', start: T0 - 60_000, end: T0 + 120_000, note: '<b>feed</b> trip' })],
      T0 - 30_000,
      T0 + 60_000,
      'UTC',
      'UTC',
    );
    expect(m.shapes[0]).toMatchObject({ type: 'line', x0: T0, x1: T0, line: { color: CHART_COLORS.annotation } });
    expect(m.shapes[0]!.line!.dash).toBeUndefined();
    expect(m.shapes[1]).toMatchObject({ type: 'rect', x0: T0 - 30_000, x1: T0 + 60_000 });
    expect(m.annotations.map((a) => a.hovertext)).toEqual([
      'catalyst change<br>— olivia',
      '&lt;b&gt;feed&lt;/b&gt; trip<br>— olivia',
    ]);
  });

  it('leaves out notes outside the view and draws in the chosen zone', () => {
    expect(annotationMarks([note({ start: T0 - 120_000 })], T0 - 60_000, T0, 'UTC', 'UTC').shapes).toEqual([]);
    // 08:00 UTC is 09:00 in Paris: a browser in UTC is given 09:00 "local" ms.
    const [shape] = annotationMarks([note({})], T0 - 1, T0 + 1, 'Europe/Paris', 'UTC').shapes;
    expect(shape!.x0).toBe(T0 + 3_600_000);
  });

  it('looks unlike an alert marker (colour, line style, label)', () => {
    const alert = alertMarks(
      [
        {
          id: 1,
          ruleId: 'r',
          assetId: 'reactor-1',
          signal: 'temperature',
          severity: 'critical',
          priority: 'high',
          direction: 'high',
          limit: 400,
          value: 401,
          peak: 401,
          state: 'active_unacked',
          raisedAt: T0,
          acknowledgedAt: null,
          acknowledgedBy: null,
          ackComment: null,
          returnedAt: null,
          clearedAt: null,
          shelf: null,
        },
      ],
      T0 + 1,
      60_000,
    );
    const ours = annotationMarks([note({})], T0 - 1, T0 + 1, 'UTC', 'UTC');
    expect(alert.shapes[0]!.line!.dash).toBe('dot');
    expect(alert.shapes[0]!.line!.color).not.toBe(ours.shapes[0]!.line!.color);
    expect(String(alert.annotations[0]!.text)).toContain('⚠');
    expect(ours.annotations[0]!.text).toBe('✎');
  });
});

describe('annotate draft', () => {
  it('a drag makes a range in either direction, a click a time; the note typed so far stays', () => {
    // A drag with no form open opens one with the range.
    let d = rangeDraft(null, T0 + 60_000, T0 - 30_000, 'UTC');
    expect(d).toMatchObject({ start: '2026-12-04T07:59:30', end: '2026-12-04T08:01:00', note: '' });
    expect(draftBody({ ...d, note: ' sample ' }, 'UTC')).toEqual({
      ok: true,
      start: T0 - 30_000,
      end: T0 + 60_000,
      note: 'sample',
    });
    expect(draftBody(d, 'UTC')).toMatchObject({ ok: false, field: 'note' });
    // A click afterwards makes it a time (a second click does not make a range any more).
    d = clickDraft({ ...d, note: 'feed trip' }, T0 + 5_000, 'UTC');
    expect(d).toMatchObject({ start: '2026-12-04T08:00:05', end: '', note: 'feed trip' });
    expect(clickDraft(d, T0 + 9_000, 'UTC')).toMatchObject({ start: '2026-12-04T08:00:09', end: '' });
    // A new drag replaces the times of an open (or edited) note and keeps its text.
    expect(rangeDraft({ ...d, editing: 'a1' }, T0, T0 + 120_000, 'UTC')).toMatchObject({
      editing: 'a1',
      start: '2026-12-04T08:00:00',
      end: '2026-12-04T08:02:00',
      note: 'feed trip',
    });
    // Within one second (the form's resolution) a drag is a time.
    expect(rangeDraft(null, T0 + 100, T0 + 400, 'UTC')).toMatchObject({ start: '2026-12-04T08:00:00', end: '' });
    expect(clickDraft(null, T0, 'Europe/Paris')).toMatchObject({ start: '2026-12-04T09:00:00', end: '', note: '' });
  });

  it('the note being written is drawn dashed, clipped to the view, apart from stored notes', () => {
    expect(draftMarks(null, T0 - 60_000, T0, 'UTC', 'UTC')).toEqual({ shapes: [], annotations: [] });
    const range = draftMarks(rangeDraft(null, T0 - 120_000, T0 - 10_000, 'UTC'), T0 - 60_000, T0, 'UTC', 'UTC');
    expect(range.shapes).toEqual([
      expect.objectContaining({ type: 'rect', name: 'draft-annotation', x0: T0 - 60_000, x1: T0 - 10_000 }),
    ]);
    expect(range.shapes[0]!.line!.dash).toBe('dash');
    const point = draftMarks(newDraft(T0 - 5_000, 'UTC'), T0 - 60_000, T0, 'UTC', 'UTC');
    expect(point.shapes[0]).toMatchObject({ type: 'line', x0: T0 - 5_000, x1: T0 - 5_000 });
    // Outside the view, or a time not yet typed: nothing.
    expect(draftMarks(newDraft(T0 + 5_000, 'UTC'), T0 - 60_000, T0, 'UTC', 'UTC').shapes).toEqual([]);
    expect(draftMarks({ start: '', end: '', note: '' }, T0 - 60_000, T0, 'UTC', 'UTC').shapes).toEqual([]);
  });

  it('reads the clicked x as the wall clock of the shown zone', () => {
    expect(clickedTs('2026-12-04 09:00:00', 'Europe/Paris', 'UTC')).toBe(T0);
    expect(clickedTs(T0, 'UTC', 'UTC')).toBe(T0);
    expect(clickedTs(undefined, 'UTC', 'UTC')).toBeNaN();
  });
});
