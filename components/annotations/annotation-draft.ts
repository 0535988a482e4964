/**
 * The "Annotate" form's state and how chart clicks fill it: the first click picks the time, a
 * second one the other end of a range (either order). Pure, so the rules are unit-tested.
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
  /** Clicks so far since the form opened (or since the last time was set by a click). */
  clicks: number;
}

/** epoch ms -> a datetime-local value with seconds, in `zone`. */
export function toSecondsInput(ts: number, zone: string): string {
  return new Date(toWallClock(ts, zone)).toISOString().slice(0, 19);
}

export function newDraft(ts: number, zone: string): Draft {
  return { start: toSecondsInput(ts, zone), end: '', note: '', clicks: 0 };
}

export function editDraft(a: Annotation, zone: string): Draft {
  return {
    editing: a.id,
    start: toSecondsInput(a.start, zone),
    end: a.end === null ? '' : toSecondsInput(a.end, zone),
    note: a.note,
    clicks: 0,
  };
}

/** A click on the chart at `ts`: the first sets the time, the second makes a range with it. */
export function clickDraft(d: Draft, ts: number, zone: string): Draft {
  if (d.clicks % 2 === 0) return { ...d, start: toSecondsInput(ts, zone), end: '', clicks: d.clicks + 1 };
  const first = fromLocalInput(d.start, zone);
  const [a, b] = Number.isNaN(first) || ts >= first ? [first, ts] : [ts, first];
  return { ...d, start: toSecondsInput(a, zone), end: toSecondsInput(b, zone), clicks: d.clicks + 1 };
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
