import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('writes what toISOString writes, within a second, across seconds, days and years', () => {
    const times = [0, 1, 999, 1_000, 1_765_000_000_000, 1_765_000_000_001, 1_765_000_000_099, 1_765_000_000_100];
    // The last millisecond of a year and the first of the next; a leap day; far years.
    times.push(Date.parse('2026-12-31T23:59:59.999Z'), Date.parse('2027-01-01T00:00:00.000Z'));
    times.push(Date.parse('2028-02-29T12:00:00.5Z'), Date.parse('1969-12-31T23:59:59.999Z'), 253_402_300_800_000);
    for (let i = 0; i < 5_000; i++) times.push(Math.floor(Math.random() * 4_102_444_800_000));
    // Runs within one second, the cache's common case.
    for (let i = 0; i < 2_000; i++) times.push(1_765_000_000_000 + i);
    for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
  });
});
