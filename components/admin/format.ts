import { formatZoned } from '@/lib/time/zoned';

/**
 * A timestamp for tables: "2026-11-22 10:15:30" in `timeZone`, or a dash. Locale-independent and
 * zone-explicit, so the server's rendering and the browser's hydration print the same text (a
 * `toLocaleString` here used the server's locale and zone on one side and the browser's on the
 * other: React error #418). Components get the zone from `useDisplayTimeZone`.
 */
export function formatTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const ts = new Date(iso).getTime();
  return Number.isNaN(ts) ? iso : formatZoned(ts, timeZone);
}
