/**
 * Times are stored and sent in UTC (epoch ms); people read them as wall-clock times in a zone:
 * the browser's by default, or the one chosen in their preferences. Plotly shows a numeric date
 * as the browser's local wall clock (it goes through `new Date(ms)`), so charts are given
 * `plotlyTime(ts, zone)`: the epoch ms whose local wall clock is `ts`'s wall clock in `zone`
 * (just `ts` when the zone is the browser's). Zoom ranges come back from Plotly as wall-clock
 * strings, read with `parsePlotlyDate` + `fromWallClock`.
 * Shared by server and browser; no dependencies.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone the runtime (the browser, in a client component) uses. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True for an IANA zone name this runtime knows ("Europe/Paris", "UTC"). */
export function isValidTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Every zone name the runtime knows, for pickers (UTC first). */
export function timeZoneNames(): string[] {
  const names = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...names.filter((n) => n !== 'UTC')];
}

/**
 * Offsets are cached per zone and 15-minute slot: every real-world transition happens on a
 * quarter hour, so one lookup serves a whole slot and a 20,000-point chart costs a few
 * hundred Intl calls instead of 20,000.
 */
const SLOT_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

function computeOffset(ts: number, timeZone: string): number {
  const parts = partsFormatter(timeZone).formatToParts(ts);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const wholeSeconds = Math.floor(ts / 1000) * 1000;
  return asUtc - wholeSeconds;
}

/** The zone's offset from UTC at instant `ts`, in ms (Europe/Paris in summer: +7,200,000). */
export function zoneOffsetMs(ts: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const slot = Math.floor(ts / SLOT_MS);
  let offset = cache.get(slot);
  if (offset === undefined) {
    offset = computeOffset(slot * SLOT_MS, timeZone);
    if (cache.size > 50_000) cache.clear();
    cache.set(slot, offset);
  }
  return offset;
}

/** Epoch ms -> wall-clock ms in `timeZone` (what a Plotly date axis should be given). */
export function toWallClock(ts: number, timeZone: string): number {
  return ts + zoneOffsetMs(ts, timeZone);
}

/**
 * Wall-clock ms in `timeZone` -> epoch ms. In the hour repeated when clocks go back the earlier
 * instant is chosen; a wall time skipped when clocks go forward maps to the instant just after
 * the jump.
 */
export function fromWallClock(wall: number, timeZone: string): number {
  // The offsets in force half a day either side cover any transition near `wall`.
  const before = zoneOffsetMs(wall - 43_200_000, timeZone);
  const after = zoneOffsetMs(wall + 43_200_000, timeZone);
  const valid = [wall - before, wall - after].filter((t) => toWallClock(t, timeZone) === wall);
  if (valid.length) return Math.min(...valid);
  // Skipped wall time (clocks jumped forward): read it with the offset from before the jump.
  return wall - before;
}

/**
 * The number to give a Plotly date axis so it shows `ts` as the wall clock of `timeZone`, in a
 * browser whose zone is `localZone`. Identity when both are the same. (A wall time that does
 * not exist in the browser's zone, in its spring-forward hour, shows an hour off.)
 */
export function plotlyTime(ts: number, timeZone: string, localZone: string): number {
  return timeZone === localZone ? ts : fromWallClock(toWallClock(ts, timeZone), localZone);
}

/**
 * Plotly's date strings ("2026-11-22 10:15:30.5", read as UTC by Plotly) or numbers from a
 * relayout event -> wall-clock ms; NaN when unreadable.
 */
export function parsePlotlyDate(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?$/.exec(value.trim());
  if (!m) return Number.NaN;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    ms,
  );
}

/** "2026-11-22 10:15:30" in `timeZone` (for labels, toolbars and the CSV's readers). */
export function formatZoned(ts: number, timeZone: string, opts: { seconds?: boolean } = {}): string {
  const d = new Date(toWallClock(ts, timeZone));
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, opts.seconds === false ? 16 : 19)}`;
}

/** The value for an `<input type="datetime-local">` showing `ts` in `timeZone`. */
export function toLocalInput(ts: number, timeZone: string): string {
  return new Date(toWallClock(ts, timeZone)).toISOString().slice(0, 16);
}

/** An `<input type="datetime-local">` value read in `timeZone` -> epoch ms (NaN when empty/bad). */
export function fromLocalInput(value: string, timeZone: string): number {
  const wall = parsePlotlyDate(value.replace('T', ' '));
  return Number.isNaN(wall) ? wall : fromWallClock(wall, timeZone);
}
