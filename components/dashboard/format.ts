/**
 * Numbers as operators read them: a precision that suits the magnitude, always with the unit
 * ("352.1 °C", "5.82 bar", "87.3 % [85.1–89.0]"). Browser locale for separators.
 */

/** Decimals for a value of this size: 352.1, 87.3, 5.82, 0.415. */
export function decimalsFor(value: number): number {
  const a = Math.abs(value);
  if (a >= 1000) return 0;
  if (a >= 10) return 1;
  if (a >= 1) return 2;
  return 3;
}

const formatters = new Map<number, Intl.NumberFormat>();
export function formatNumber(value: number, decimals = decimalsFor(value)): string {
  let f = formatters.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatters.set(decimals, f);
  }
  return f.format(value);
}

export function withUnit(text: string, unit: string): string {
  return unit ? `${text} ${unit}` : text;
}

export function formatValue(value: number | null | undefined, unit: string, decimals?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return withUnit(formatNumber(value, decimals), unit);
}

/** "85.1–89.0", with the decimals of the value it surrounds. */
export function formatBand(lower: number | null, upper: number | null, decimals: number): string | null {
  if (lower === null || upper === null) return null;
  return `${formatNumber(lower, decimals)}–${formatNumber(upper, decimals)}`;
}

/** "3 s ago", "4 min 10 s ago", "2 h 5 min ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s ago`;
  return `${Math.floor(m / 60)} h ${m % 60} min ago`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export function formatTime(ts: number): string {
  return timeFormat.format(ts);
}
