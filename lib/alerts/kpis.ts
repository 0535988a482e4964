/**
 * Alarm KPIs (EEMUA 191 / ANSI/ISA-18.2 / IEC 62682): the database computes the figures of a
 * range (lib/db/alarm-kpis-repo.ts); this module sets them against the published bands.
 *
 * Bands used (steady operation, alarms annunciated to one operator position):
 * - average rate: "very likely acceptable" up to 1 per 10 min = 6 per hour = 144 per day;
 *   "manageable" up to 2 per 10 min = 12 per hour = 288 per day; above that "overloaded".
 *   Sources: EEMUA Publication 191 (3rd ed., 2013), the average alarm rate benchmarks
 *   (1 per 10 min very likely acceptable, 2 per 10 min manageable); ANSI/ISA-18.2-2016 and
 *   IEC 62682:2014, table "Recommended alarm performance metrics" (~150/day very likely
 *   acceptable, ~300/day maximum manageable; ~6 and ~12 per hour; ~1 and ~2 per 10 min).
 * - flood: more than 10 alarms in a 10-minute period (same sources); target: under 1 % of the
 *   10-minute periods in flood.
 * - priority distribution of annunciated alarms, three levels: ~80 % low, ~15 % medium, ~5 %
 *   high (same sources). twinops has four priorities; the mapping is low -> low, medium ->
 *   medium, high and urgent -> high.
 * - chattering: 3 or more annunciations of one alarm within 60 s (ISA-18.2 TR5's rule of
 *   thumb); stale: active for more than 24 h; targets zero chattering and "< 5 present on any day".
 */
import { z } from 'zod';
import {
  FLOOD_THRESHOLD,
  KPI_PERIOD_MS,
  type AlarmKpisRepo,
  type KpiRange,
  type RawAlarmKpis,
} from '../db/alarm-kpis-repo';

export { FLOOD_THRESHOLD, KPI_PERIOD_MS, type KpiRange };

export type RateBand = 'acceptable' | 'manageable' | 'overloaded';

/** Upper limits of "very likely acceptable" and "manageable" per period (see above). */
export const RATE_BANDS = {
  per10Min: { acceptable: 1, manageable: 2 },
  perHour: { acceptable: 6, manageable: 12 },
  perDay: { acceptable: 144, manageable: 288 },
} as const;

/** Recommended shares of annunciated alarms per priority band. */
export const RECOMMENDED_PRIORITY_SHARE = { low: 0.8, medium: 0.15, high: 0.05 } as const;

/** The flood target: at most this share of the 10-minute periods in flood. */
export const FLOOD_SHARE_TARGET = 0.01;

/** The longest range the KPI page computes (a quarter: ~13,000 ten-minute periods). */
export const MAX_KPI_RANGE_MS = 92 * 86_400_000;
export const DEFAULT_KPI_RANGE_MS = 86_400_000;

export function rateBand(value: number, limits: { acceptable: number; manageable: number }): RateBand {
  if (value <= limits.acceptable) return 'acceptable';
  if (value <= limits.manageable) return 'manageable';
  return 'overloaded';
}

export interface AlarmKpis {
  from: number;
  to: number;
  total: number;
  rates: {
    per10Min: { value: number; band: RateBand };
    perHour: { value: number; band: RateBand };
    perDay: { value: number; band: RateBand };
  };
  flood: {
    threshold: number;
    periodMinutes: number;
    periods: number;
    floodPeriods: number;
    share: number;
    target: number;
    peak: number;
  };
  series: { start: number; count: number }[];
  badActors: (RawAlarmKpis['badActors'][number] & { share: number })[];
  chattering: RawAlarmKpis['chattering'];
  stale: { count: number; alarms: RawAlarmKpis['stale'] };
  standing: RawAlarmKpis['standing'];
  priorities: { band: 'low' | 'medium' | 'high'; count: number; share: number; recommended: number }[];
  timeToAck: RawAlarmKpis['ack'];
}

/** The figures of `range`, computed by the database, set against the bands. */
export async function alarmKpis(repo: AlarmKpisRepo, range: KpiRange): Promise<AlarmKpis> {
  const raw = await repo.figures(range);
  const per10Min = raw.periods.length ? raw.total / raw.periods.length : 0;
  const prio = new Map(raw.priorities.map((p) => [p.band, p]));
  return {
    from: range.from,
    to: range.to,
    total: raw.total,
    rates: {
      per10Min: { value: per10Min, band: rateBand(per10Min, RATE_BANDS.per10Min) },
      perHour: { value: raw.perHour, band: rateBand(raw.perHour, RATE_BANDS.perHour) },
      perDay: { value: raw.perDay, band: rateBand(raw.perDay, RATE_BANDS.perDay) },
    },
    flood: {
      threshold: FLOOD_THRESHOLD,
      periodMinutes: KPI_PERIOD_MS / 60_000,
      periods: raw.periods.length,
      floodPeriods: raw.floodPeriods,
      share: raw.floodShare,
      target: FLOOD_SHARE_TARGET,
      peak: raw.peakPerPeriod,
    },
    series: raw.periods,
    badActors: raw.badActors.map((b) => ({ ...b, share: raw.total ? b.count / raw.total : 0 })),
    chattering: raw.chattering,
    stale: { count: raw.staleCount, alarms: raw.stale },
    standing: raw.standing,
    priorities: (['low', 'medium', 'high'] as const).map((band) => ({
      band,
      count: prio.get(band)?.count ?? 0,
      share: prio.get(band)?.share ?? 0,
      recommended: RECOMMENDED_PRIORITY_SHARE[band],
    })),
    timeToAck: raw.ack,
  };
}

const epochOrIso = z.string().transform((v, ctx) => {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch ms' });
    return z.NEVER;
  }
  return n;
});

/** GET /api/v1/alarms/kpis(.csv) query: `from`, `to` (ISO 8601 or epoch ms; default the last 24 h). */
export const kpiQuerySchema = z.strictObject({ from: epochOrIso.optional(), to: epochOrIso.optional() });

/** The range a query asks for, defaults filled in: `to` now, `from` a day before `to`. */
export const kpiRangeSchema = z.object({ from: z.number(), to: z.number() }).superRefine((r, ctx) => {
  if (r.to <= r.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (r.to - r.from > MAX_KPI_RANGE_MS)
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'the range must be at most 92 days' });
});

/** Fills the defaults of a parsed KPI query. */
export function kpiRangeOf(q: z.infer<typeof kpiQuerySchema>, now: number): KpiRange {
  const to = q.to ?? (q.from !== undefined ? Math.max(now, q.from + 1) : now);
  return { from: q.from ?? to - DEFAULT_KPI_RANGE_MS, to };
}

/** The page's range from its address (`?from&to` as the API reads them); anything invalid: the last 24 h. */
export function kpiRangeOfAddress(params: Record<string, string | string[] | undefined>, now = Date.now()): KpiRange {
  const q = kpiQuerySchema.safeParse({
    ...(typeof params.from === 'string' ? { from: params.from } : {}),
    ...(typeof params.to === 'string' ? { to: params.to } : {}),
  });
  const asked = q.success ? kpiRangeSchema.safeParse(kpiRangeOf(q.data, now)) : null;
  return asked?.success ? asked.data : { from: now - DEFAULT_KPI_RANGE_MS, to: now };
}
