/**
 * The KPI figures as CSV: one row per figure (`section,item,value,detail`), so a spreadsheet or a
 * report reads every number the page shows, the 10-minute series included.
 */
import { csvField } from '../twin/history-export';
import type { AlarmKpis } from './kpis';

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
const fixed = (x: number | null, digits = 3) => (x === null ? '' : String(Math.round(x * 10 ** digits) / 10 ** digits));

export function kpisCsv(k: AlarmKpis): string {
  const rows: string[][] = [['section', 'item', 'value', 'detail']];
  rows.push(['range', 'from', iso(k.from), ''], ['range', 'to', iso(k.to), '']);
  rows.push(['alarms', 'total', String(k.total), 'annunciations (raised, incl. reactivations)']);
  for (const [item, r] of Object.entries(k.rates)) rows.push(['rate', item, fixed(r.value), r.band]);
  rows.push(
    ['flood', 'periods', String(k.flood.periods), `${k.flood.periodMinutes}-minute periods`],
    ['flood', 'flood_periods', String(k.flood.floodPeriods), `more than ${k.flood.threshold} alarms`],
    ['flood', 'share', fixed(k.flood.share, 4), `target <= ${k.flood.target}`],
    ['flood', 'peak_per_period', String(k.flood.peak), ''],
  );
  for (const b of k.badActors)
    rows.push([
      'bad_actor',
      `${b.assetId} ${b.signal}`,
      String(b.count),
      `share ${fixed(b.share, 4)}; rule ${b.ruleId}`,
    ]);
  for (const c of k.chattering)
    rows.push([
      'chattering',
      `${c.assetId} ${c.signal}`,
      String(c.maxPerMinute),
      `max per minute; ${c.count} in range`,
    ]);
  rows.push(['stale', 'count', String(k.stale.count), 'active more than 24 h']);
  for (const s of k.stale.alarms)
    rows.push([
      'stale',
      `alarm ${s.alarmId} ${s.assetId} ${s.signal}`,
      fixed(s.hours),
      `hours active since ${iso(s.since)}`,
    ]);
  rows.push(
    ['standing', 'count', String(k.standing.count), 'active at the end of the range'],
    [
      'standing',
      'oldest_since',
      iso(k.standing.oldestSince),
      k.standing.oldestAlarmId === null ? '' : `alarm ${k.standing.oldestAlarmId}`,
    ],
  );
  for (const p of k.priorities)
    rows.push(['priority', p.band, String(p.count), `share ${fixed(p.share, 4)}; recommended ${p.recommended}`]);
  rows.push(
    ['time_to_ack', 'acknowledged', String(k.timeToAck.acknowledged), ''],
    ['time_to_ack', 'unacknowledged', String(k.timeToAck.unacknowledged), 'by the end of the range'],
    ['time_to_ack', 'p50_seconds', fixed(k.timeToAck.p50Seconds), ''],
    ['time_to_ack', 'p90_seconds', fixed(k.timeToAck.p90Seconds), ''],
  );
  for (const p of k.series) rows.push(['per_10_min', iso(p.start), String(p.count), '']);
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
