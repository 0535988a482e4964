/**
 * The alarm KPIs against a hand-built history, on PGlite and PostgreSQL: every figure is the
 * number worked out by hand below (the database computes them; nothing here recomputes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { alarmKpisRepo } from '../db/alarm-kpis-repo';
import { alertsRepo } from '../db/alerts-repo';
import type { Database } from '../db/client';
import { writeAlarmHistory, type Episode, type HistoryRule } from './alarm-history';
import { alarmKpis } from './kpis';
import { kpisCsv } from './kpis-csv';

const FROM = Date.UTC(2026, 0, 10);
const TO = Date.UTC(2026, 0, 11);
const at = (h: number, m = 0, s = 0) => FROM + ((h * 60 + m) * 60 + s) * 1000;

const A: HistoryRule = { assetId: 'reactor-1', signal: 'temperature', priority: 'high' };
const B: HistoryRule = { assetId: 'reactor-1', signal: 'pressure', priority: 'urgent' };
const C: HistoryRule = { assetId: 'reactor-2', signal: 'flow', priority: 'medium' };
const D: HistoryRule = { assetId: 'reactor-2', signal: 'level', priority: 'low' };
const E: HistoryRule = { assetId: 'reactor-3', signal: 'temperature', priority: 'urgent' };

/**
 * - D floods 01:00-01:10: 12 raises 45 s apart (each back 10 s later, unacknowledged, so the same
 *   alarm reactivates), acknowledged at 01:20 (705 s after the last raise).
 * - C chatters: 3 raises 20 s apart at 05:00 (back after 5 s), acknowledged at 05:01 (20 s).
 * - A twice: 10:00 acknowledged after 30 s, back 10:30; 12:00 acknowledged after 120 s, back 12:10.
 * - B raised two days before, acknowledged, still active: standing and stale (60 h at the end).
 * - E raised 23:00, never acknowledged, still active: standing.
 * - A raised again exactly at the end (excluded: the range is [from, to)).
 */
const HISTORY: Episode[] = [
  ...Array.from({ length: 12 }, (_, k) => ({
    rule: D,
    raiseAt: at(1, 0, 45 * k),
    returnAt: at(1, 0, 45 * k + 10),
    ackAt: k === 11 ? at(1, 20) : null,
  })),
  ...[0, 20, 40].map((s, k) => ({
    rule: C,
    raiseAt: at(5, 0, s),
    returnAt: at(5, 0, s + 5),
    ackAt: k === 2 ? at(5, 1) : null,
  })),
  { rule: A, raiseAt: at(10), ackAt: at(10, 0, 30), returnAt: at(10, 30) },
  { rule: A, raiseAt: at(12), ackAt: at(12, 2), returnAt: at(12, 10) },
  { rule: B, raiseAt: FROM - 36 * 3_600_000, ackAt: FROM - 36 * 3_600_000 + 300_000 },
  { rule: E, raiseAt: at(23) },
  { rule: A, raiseAt: TO },
];

describe.each(DB_TARGETS)('alarm KPIs on $name', (target) => {
  let database: Database & { drop(): Promise<void> };

  beforeAll(async () => {
    database = await target.open();
    expect(await writeAlarmHistory(alertsRepo(database.db), HISTORY)).toBe(20);
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('computes every figure of the hand-built day', async () => {
    const k = await alarmKpis(alarmKpisRepo(database.db), { from: FROM, to: TO });
    expect(k.total).toBe(18);
    expect(k.series).toHaveLength(144);
    const busy = k.series.flatMap((p, i) => (p.count ? [[i, p.count]] : []));
    expect(busy).toEqual([
      [6, 12],
      [30, 3],
      [60, 1],
      [72, 1],
      [138, 1],
    ]);
    expect(k.series[6]!.start).toBe(at(1));
    expect(k.flood).toMatchObject({ threshold: 10, periods: 144, floodPeriods: 1, peak: 12 });
    expect(k.flood.share).toBeCloseTo(1 / 144, 10);
    expect(k.rates.per10Min.value).toBeCloseTo(18 / 144, 10);
    expect(k.rates.perHour.value).toBeCloseTo(0.75, 10);
    expect(k.rates.perDay.value).toBeCloseTo(18, 10);
    expect([k.rates.per10Min.band, k.rates.perHour.band, k.rates.perDay.band]).toEqual([
      'acceptable',
      'acceptable',
      'acceptable',
    ]);
    expect(k.badActors.map((b) => [b.assetId, b.signal, b.priority, b.count])).toEqual([
      ['reactor-2', 'level', 'low', 12],
      ['reactor-2', 'flow', 'medium', 3],
      ['reactor-1', 'temperature', 'high', 2],
      ['reactor-3', 'temperature', 'urgent', 1],
    ]);
    expect(k.badActors[0]!.share).toBeCloseTo(12 / 18, 10);
    expect(k.chattering.map((c) => [c.assetId, c.signal, c.maxPerMinute, c.count])).toEqual([
      ['reactor-2', 'flow', 3, 3],
    ]);
    expect(k.stale.count).toBe(1);
    expect(k.stale.alarms.map((s) => [s.assetId, s.signal, s.since])).toEqual([
      ['reactor-1', 'pressure', FROM - 36 * 3_600_000],
    ]);
    expect(k.stale.alarms[0]!.hours).toBeCloseTo(60, 6);
    expect(k.standing).toMatchObject({ count: 2, oldestSince: FROM - 36 * 3_600_000 });
    expect(k.priorities.map((p) => [p.band, p.count, p.recommended])).toEqual([
      ['low', 12, 0.8],
      ['medium', 3, 0.15],
      ['high', 3, 0.05],
    ]);
    expect(k.priorities.map((p) => p.share)).toEqual([12 / 18, 3 / 18, 3 / 18].map((x) => expect.closeTo(x, 10)));
    expect(k.timeToAck.acknowledged).toBe(4);
    expect(k.timeToAck.unacknowledged).toBe(14);
    // Acknowledged after 20, 30, 120 and 705 s: interpolated percentiles.
    expect(k.timeToAck.p50Seconds).toBeCloseTo(75, 6);
    expect(k.timeToAck.p90Seconds).toBeCloseTo(529.5, 6);
  });

  it('sees only the range asked for: the flood hour alone is at the manageable limit, one period in flood', async () => {
    const k = await alarmKpis(alarmKpisRepo(database.db), { from: at(1), to: at(2) });
    expect(k.total).toBe(12);
    expect(k.series.map((p) => p.count)).toEqual([12, 0, 0, 0, 0, 0]);
    expect(k.flood).toMatchObject({ periods: 6, floodPeriods: 1 });
    expect(k.rates.per10Min).toEqual({ value: 2, band: 'manageable' });
    expect(k.rates.perHour).toEqual({ value: 12, band: 'manageable' });
    expect(k.rates.perDay.value).toBeCloseTo(288, 10);
    expect(k.rates.perDay.band).toBe('manageable');
    expect(k.chattering).toEqual([]);
    // Standing at 02:00: B only (D returned and was acknowledged).
    expect(k.standing.count).toBe(1);
    expect(k.timeToAck).toMatchObject({ acknowledged: 1, unacknowledged: 11, p50Seconds: 705, p90Seconds: 705 });
  });

  it('an empty range has zeros, not errors, and the CSV carries the figures', async () => {
    const k = await alarmKpis(alarmKpisRepo(database.db), { from: at(14), to: at(15) });
    expect(k.total).toBe(0);
    expect(k.timeToAck).toEqual({ acknowledged: 0, unacknowledged: 0, p50Seconds: null, p90Seconds: null });
    expect(k.priorities.map((p) => p.count)).toEqual([0, 0, 0]);
    const day = await alarmKpis(alarmKpisRepo(database.db), { from: FROM, to: TO });
    const csv = kpisCsv(day).trim().split('\r\n');
    expect(csv[0]).toBe('section,item,value,detail');
    expect(csv).toContain('alarms,total,18,"annunciations (raised, incl. reactivations)"');
    expect(csv).toContain('flood,flood_periods,1,more than 10 alarms');
    expect(csv).toContain('time_to_ack,p90_seconds,529.5,');
    expect(csv).toContain('bad_actor,reactor-2 level,12,share 0.6667; rule ' + day.badActors[0]!.ruleId);
    expect(csv).toContain(`per_10_min,${new Date(at(1)).toISOString()},12,`);
    expect(csv.filter((l) => l.startsWith('per_10_min,'))).toHaveLength(144);
  });
});
