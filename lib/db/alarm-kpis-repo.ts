/**
 * Alarm performance figures (EEMUA 191 / ISA-18.2), computed in the database from the alarm
 * journal over a range [from, to): one SQL statement per figure, the same on PGlite and
 * PostgreSQL. What counts as "an alarm" is an annunciation: a journal `raised` row (a first raise
 * or a reactivation of a returned alarm). The alarm's active spells are its `raised` rows, each
 * ended by the next `returned` or `cleared` row of that alarm (none before `to`: still active).
 * Classification against the bands is the caller's (lib/alerts/kpis.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AlarmPriority } from '../alerts/types';
import type { Db } from './client';

/** A 10-minute period of the range (the last one may be shorter). */
export const KPI_PERIOD_MS = 600_000;

export interface KpiRange {
  from: number;
  to: number;
}

export interface RawAlarmKpis {
  /** Annunciations per 10-minute period from `from`, in order. */
  periods: { start: number; count: number }[];
  total: number;
  floodPeriods: number;
  /** Share (0-1) of the 10-minute periods in flood: the share of time in flood. */
  floodShare: number;
  peakPerPeriod: number;
  perHour: number;
  perDay: number;
  badActors: { ruleId: string; assetId: string; signal: string; priority: AlarmPriority; count: number }[];
  chattering: { ruleId: string; assetId: string; signal: string; maxPerMinute: number; count: number }[];
  staleCount: number;
  stale: { alarmId: number; assetId: string; signal: string; priority: AlarmPriority; since: number; hours: number }[];
  standing: { count: number; oldestSince: number | null; oldestAlarmId: number | null };
  priorities: { band: 'low' | 'medium' | 'high'; count: number; share: number }[];
  ack: { acknowledged: number; unacknowledged: number; p50Seconds: number | null; p90Seconds: number | null };
}

/** Both drivers answer `execute` with `{ rows }`. */
async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] };
  return result.rows ?? [];
}

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A flood: more than this many annunciations in one 10-minute period (EEMUA 191). */
export const FLOOD_THRESHOLD = 10;

export function alarmKpisRepo(db: Db) {
  return {
    /** Every figure of the range, each computed by the database. */
    async figures(
      { from, to }: KpiRange,
      opts: { badActors?: number; staleList?: number } = {},
    ): Promise<RawAlarmKpis> {
      const f = new Date(from).toISOString();
      const t = new Date(to).toISOString();
      const n = Math.ceil((to - from) / KPI_PERIOD_MS);
      // Annunciations in the range; every figure but the spells starts from these.
      const raised = sql`select * from alarm_journal where event = 'raised' and at >= ${f}::timestamptz and at < ${t}::timestamptz`;

      const periods = await rows<{
        i: number;
        n: string | number;
        flood: string | number;
        flood_share: string | number;
        peak: string | number;
      }>(
        db,
        sql`with b as (select generate_series(0, ${n - 1}::int) as i),
          c as (select floor(extract(epoch from (at - ${f}::timestamptz)) * 1000 / ${KPI_PERIOD_MS})::int as i, count(*) as n
                from (${raised}) r group by 1),
          s as (select b.i, coalesce(c.n, 0) as n from b left join c on c.i = b.i)
          select i, n, count(*) filter (where n > ${FLOOD_THRESHOLD}) over () as flood,
            avg(case when n > ${FLOOD_THRESHOLD} then 1.0 else 0 end) over () as flood_share, max(n) over () as peak
          from s order by i`,
      );
      const [rates] = await rows<{ total: string | number; per_hour: string | number; per_day: string | number }>(
        db,
        sql`select count(*) as total,
            count(*) / (extract(epoch from (${t}::timestamptz - ${f}::timestamptz)) / 3600.0) as per_hour,
            count(*) / (extract(epoch from (${t}::timestamptz - ${f}::timestamptz)) / 86400.0) as per_day
          from (${raised}) r`,
      );
      const bad = await rows<{ rule_id: string; asset_id: string; signal: string; priority: AlarmPriority; n: string }>(
        db,
        sql`select rule_id, asset_id, signal, (array_agg(priority order by at desc))[1] as priority, count(*) as n
          from (${raised}) r group by rule_id, asset_id, signal
          order by n desc, asset_id, signal limit ${opts.badActors ?? 10}`,
      );
      // Chattering: 3 or more annunciations of one rule within any 60 s ([at, at + 60 s)).
      const chatter = await rows<{ rule_id: string; asset_id: string; signal: string; max_n: string; n: string }>(
        db,
        sql`with w as (select rule_id, asset_id, signal,
              count(*) over (partition by rule_id order by at
                range between current row and interval '59.999 seconds' following) as in_minute
            from (${raised}) r)
          select rule_id, asset_id, signal, max(in_minute) as max_n, count(*) as n from w
          group by rule_id, asset_id, signal having max(in_minute) >= 3
          order by max_n desc, n desc, asset_id, signal`,
      );
      // Active spells known by `to`: each raise and the end that followed it, if any.
      const spells = sql`select alarm_id, asset_id, signal, priority, at as since, next_at as until from (
          select alarm_id, asset_id, signal, priority, event, at,
            lead(at) over (partition by alarm_id order by at, id) as next_at
          from alarm_journal where event in ('raised', 'returned', 'cleared') and at < ${t}::timestamptz) e
        where event = 'raised'`;
      const stale = await rows<{
        alarm_id: string | number;
        asset_id: string;
        signal: string;
        priority: AlarmPriority;
        since_ms: string | number;
        hours: string | number;
        total: string | number;
      }>(
        db,
        sql`select alarm_id, asset_id, signal, priority, extract(epoch from since) * 1000 as since_ms,
            extract(epoch from (coalesce(until, ${t}::timestamptz) - since)) / 3600.0 as hours,
            count(*) over () as total
          from (${spells}) s
          where coalesce(until, ${t}::timestamptz) >= ${f}::timestamptz
            and coalesce(until, ${t}::timestamptz) - since > interval '24 hours'
          order by hours desc, alarm_id limit ${opts.staleList ?? 50}`,
      );
      const [standing] = await rows<{
        n: string | number;
        oldest_ms: string | number | null;
        oldest_id: string | null;
      }>(
        db,
        sql`select count(*) as n, extract(epoch from min(since)) * 1000 as oldest_ms,
            (array_agg(alarm_id order by since, alarm_id))[1] as oldest_id
          from (${spells}) s where until is null`,
      );
      const prio = await rows<{ band: 'low' | 'medium' | 'high'; n: string | number; share: string | number }>(
        db,
        sql`select case when priority in ('high', 'urgent') then 'high' else priority end as band, count(*) as n,
            count(*) * 1.0 / sum(count(*)) over () as share
          from (${raised}) r group by 1`,
      );
      // Time to acknowledge: from each annunciation to the first acknowledgement of that alarm
      // after it (before its next annunciation and before `to`).
      const [ack] = await rows<{ acked: string | number; unacked: string | number; p50: unknown; p90: unknown }>(
        db,
        sql`with r as (select id, alarm_id, at,
              lead(at) over (partition by alarm_id order by at, id) as next_raise
            from alarm_journal where event = 'raised' and at < ${t}::timestamptz),
          a as (select r.at, (select min(j.at) from alarm_journal j
              where j.alarm_id = r.alarm_id and j.event = 'acknowledged' and j.at >= r.at
                and j.at < ${t}::timestamptz and (r.next_raise is null or j.at < r.next_raise)) as ack_at
            from r where r.at >= ${f}::timestamptz)
          select count(ack_at) as acked, count(*) - count(ack_at) as unacked,
            percentile_cont(0.5) within group (order by extract(epoch from (ack_at - at))) as p50,
            percentile_cont(0.9) within group (order by extract(epoch from (ack_at - at))) as p90
          from a`,
      );

      return {
        periods: periods.map((p) => ({ start: from + p.i * KPI_PERIOD_MS, count: num(p.n) })),
        total: num(rates?.total),
        floodPeriods: num(periods[0]?.flood),
        floodShare: num(periods[0]?.flood_share),
        peakPerPeriod: num(periods[0]?.peak),
        perHour: num(rates?.per_hour),
        perDay: num(rates?.per_day),
        badActors: bad.map((b) => ({
          ruleId: b.rule_id,
          assetId: b.asset_id,
          signal: b.signal,
          priority: b.priority,
          count: num(b.n),
        })),
        chattering: chatter.map((c) => ({
          ruleId: c.rule_id,
          assetId: c.asset_id,
          signal: c.signal,
          maxPerMinute: num(c.max_n),
          count: num(c.n),
        })),
        staleCount: num(stale[0]?.total),
        stale: stale.map((s) => ({
          alarmId: num(s.alarm_id),
          assetId: s.asset_id,
          signal: s.signal,
          priority: s.priority,
          since: Math.round(num(s.since_ms)),
          hours: num(s.hours),
        })),
        standing: {
          count: num(standing?.n),
          oldestSince: standing?.oldest_ms == null ? null : Math.round(num(standing.oldest_ms)),
          oldestAlarmId: standing?.oldest_id == null ? null : num(standing.oldest_id),
        },
        priorities: prio.map((p) => ({ band: p.band, count: num(p.n), share: num(p.share) })),
        ack: {
          acknowledged: num(ack?.acked),
          unacknowledged: num(ack?.unacked),
          p50Seconds: numOrNull(ack?.p50),
          p90Seconds: numOrNull(ack?.p90),
        },
      };
    },
  };
}

export type AlarmKpisRepo = ReturnType<typeof alarmKpisRepo>;
