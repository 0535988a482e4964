import { describe, expect, it } from 'vitest';
import {
  formatZoned,
  fromLocalInput,
  fromWallClock,
  isValidTimeZone,
  parsePlotlyDate,
  plotlyTime,
  toLocalInput,
  toWallClock,
  zoneOffsetMs,
} from './zoned';

const utc = (s: string) => Date.parse(`${s}Z`);

describe('zoned time', () => {
  it('shows a UTC instant as the wall clock of the chosen zone', () => {
    const t = utc('2026-07-01T12:00:00');
    expect(formatZoned(t, 'UTC')).toBe('2026-07-01 12:00:00');
    expect(formatZoned(t, 'Europe/Paris')).toBe('2026-07-01 14:00:00');
    expect(formatZoned(t, 'America/New_York')).toBe('2026-07-01 08:00:00');
    expect(formatZoned(t, 'Asia/Kolkata')).toBe('2026-07-01 17:30:00');
    expect(formatZoned(utc('2026-01-15T12:00:00'), 'Europe/Paris')).toBe('2026-01-15 13:00:00');
  });

  it('follows DST transitions to the minute (Europe/Paris, spring forward and fall back)', () => {
    // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST.
    expect(zoneOffsetMs(utc('2026-03-29T00:59:59'), 'Europe/Paris')).toBe(3_600_000);
    expect(zoneOffsetMs(utc('2026-03-29T01:00:00'), 'Europe/Paris')).toBe(7_200_000);
    expect(formatZoned(utc('2026-03-29T00:59:00'), 'Europe/Paris')).toBe('2026-03-29 01:59:00');
    expect(formatZoned(utc('2026-03-29T01:00:00'), 'Europe/Paris')).toBe('2026-03-29 03:00:00');
    // 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    expect(formatZoned(utc('2026-10-25T00:30:00'), 'Europe/Paris')).toBe('2026-10-25 02:30:00');
    expect(formatZoned(utc('2026-10-25T01:30:00'), 'Europe/Paris')).toBe('2026-10-25 02:30:00');
  });

  it('reads wall-clock times back to the instant, across DST (round trip every 7 minutes for two days)', () => {
    for (const zone of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'UTC']) {
      for (let t = utc('2026-10-24T12:00:00'); t < utc('2026-10-26T12:00:00'); t += 7 * 60_000) {
        const wall = toWallClock(t, zone);
        const back = fromWallClock(wall, zone);
        // In the repeated hour the earlier instant is chosen: same wall clock either way.
        expect(toWallClock(back, zone)).toBe(wall);
        expect(back).toBeLessThanOrEqual(t);
      }
    }
    // The repeated 02:30 in Paris reads as the first one (CEST).
    expect(fromWallClock(utc('2026-10-25T02:30:00'), 'Europe/Paris')).toBe(utc('2026-10-25T00:30:00'));
    // 02:30 on 2026-03-29 does not exist in Paris: read with the winter offset (01:30 UTC = 03:30 CEST).
    expect(fromWallClock(utc('2026-03-29T02:30:00'), 'Europe/Paris')).toBe(utc('2026-03-29T01:30:00'));
  });

  it('parses Plotly relayout dates and datetime-local inputs', () => {
    expect(parsePlotlyDate('2026-11-22 10:15:30.5')).toBe(utc('2026-11-22T10:15:30.500'));
    expect(parsePlotlyDate('2026-11-22 10:15')).toBe(utc('2026-11-22T10:15:00'));
    expect(parsePlotlyDate('2026-11-22')).toBe(utc('2026-11-22T00:00:00'));
    expect(parsePlotlyDate(12)).toBe(12);
    expect(parsePlotlyDate('yesterday')).toBeNaN();
    const t = utc('2026-07-01T12:34:00');
    expect(toLocalInput(t, 'Europe/Paris')).toBe('2026-07-01T14:34');
    expect(fromLocalInput('2026-07-01T14:34', 'Europe/Paris')).toBe(t);
    expect(fromLocalInput('', 'UTC')).toBeNaN();
  });

  it('gives Plotly (which shows numbers in the browser’s zone) the number that shows the chosen zone', () => {
    const t = utc('2026-07-01T12:00:00');
    /** What Plotly shows for a number: its local wall clock in the browser's zone. */
    const shown = (n: number, browser: string) => formatZoned(n, browser);
    expect(plotlyTime(t, 'Europe/Paris', 'Europe/Paris')).toBe(t);
    expect(shown(plotlyTime(t, 'Asia/Tokyo', 'Europe/Paris'), 'Europe/Paris')).toBe(formatZoned(t, 'Asia/Tokyo'));
    expect(shown(plotlyTime(t, 'UTC', 'America/New_York'), 'America/New_York')).toBe('2026-07-01 12:00:00');
    // Across the chosen zone's fall-back night, every instant keeps its own wall clock.
    for (let x = utc('2026-10-24T23:00:00'); x < utc('2026-10-25T03:00:00'); x += 600_000) {
      expect(shown(plotlyTime(x, 'Europe/Paris', 'UTC'), 'UTC')).toBe(formatZoned(x, 'Europe/Paris'));
    }
  });

  it('knows IANA zone names and refuses others', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
