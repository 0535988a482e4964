/**
 * The "Annotate" form's state and how the charts fill it: a click picks a time, a drag across a
 * chart a range (either direction). Pure, so the rules are unit-tested.
 */
import { fromLocalInput, fromWallClock, localTimeZone, parsePlotlyDate, toWallClock } from '@/lib/time/zoned';
import type { Annotation } from '@/lib/annotations/types';

export interface Draft {
  /** The annotation being edited; absent for a new one. */
  editing?: string;
  /** datetime-local values (seconds included) in the shown zone. */
  start: string;
  /** Empty: a point in time. */
  end: string;
  note: string;
}

/** epoch ms -> a datetime-local value with seconds, in `zone`. */
export function toSecondsInput(ts: number, zone: string): string {
  return new Date(toWallClock(ts, zone)).toISOString().slice(0, 19);
}

export function newDraft(ts: number, zone: string): Draft {
  return { start: toSecondsInput(ts, zone), end: '', note: '' };
}

export function editDraft(a: Annotation, zone: string): Draft {
  return {
    editing: a.id,
    start: toSecondsInput(a.start, zone),
    end: a.end === null ? '' : toSecondsInput(a.end, zone),
    note: a.note,
  };
}

/**
 * A click on a chart at `ts`: the note is at that time (a point, even if it was a range). The
 * first round's "second click makes a range" is gone: a drag marks a range in one gesture, and a
 * click that sometimes moved the time and sometimes made a range was hard to predict.
 */
export function clickDraft(d: Draft | null, ts: number, zone: string): Draft {
  return { ...(d ?? newDraft(ts, zone)), start: toSecondsInput(ts, zone), end: '' };
}

/**
 * A drag across a chart from `a` to `b` (either direction): the note covers that range; the note
 * text typed so far (and the note being edited) stay. A drag within one second is a point.
 */
export function rangeDraft(d: Draft | null, a: number, b: number, zone: string): Draft {
  const [from, to] = a <= b ? [a, b] : [b, a];
  const start = toSecondsInput(from, zone);
  const end = toSecondsInput(to, zone);
  return { ...(d ?? newDraft(from, zone)), start, end: end === start ? '' : end };
}

/** The draft as an API body, or the message of what is wrong with it (checked again by the server). */
export function draftBody(
  d: Draft,
  zone: string,
): { ok: true; start: number; end: number | null; note: string } | { ok: false; field: string; message: string } {
  const start = fromLocalInput(d.start, zone);
  if (Number.isNaN(start)) return { ok: false, field: 'start', message: 'Enter the time' };
  const end = d.end ? fromLocalInput(d.end, zone) : null;
  if (end !== null && Number.isNaN(end)) return { ok: false, field: 'end', message: 'Enter the end, or clear it' };
  if (end !== null && end < start) return { ok: false, field: 'end', message: 'The end must not be before the start' };
  const note = d.note.trim();
  if (!note) return { ok: false, field: 'note', message: 'Write a note' };
  return { ok: true, start, end, note };
}

/**
 * The instant under a click: Plotly reports a date axis's x as a wall-clock string (or, for some
 * traces, the number it was given, i.e. `plotlyTime`'s browser-local ms); NaN when unreadable.
 */
export function clickedTs(x: unknown, zone: string, localZone = localTimeZone()): number {
  const wall = typeof x === 'number' ? toWallClock(x, localZone) : parsePlotlyDate(x);
  return Number.isNaN(wall) ? Number.NaN : fromWallClock(wall, zone);
}
