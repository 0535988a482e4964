/** The alarm KPI endpoints in the OpenAPI document. */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';

const band = z.enum(['acceptable', 'manageable', 'overloaded']);
const rate = z.object({ value: z.number(), band });
const priority = z.enum(['low', 'medium', 'high', 'urgent']);
const rule = { ruleId: z.string(), assetId: z.string(), signal: z.string() };

const kpis = z.object({
  from: z.number().int().describe('epoch ms'),
  to: z.number().int().describe('epoch ms (exclusive)'),
  total: z.number().int().describe('Annunciated alarms: journal `raised` rows (first raises and reactivations)'),
  rates: z
    .object({ per10Min: rate, perHour: rate, perDay: rate })
    .describe('Averages against the EEMUA 191 / ISA-18.2 bands: ≤ 1 / 6 / 144 acceptable, ≤ 2 / 12 / 288 manageable'),
  flood: z.object({
    threshold: z.number().int().describe('A flood: more than this many alarms in one period (10)'),
    periodMinutes: z.number().int(),
    periods: z.number().int(),
    floodPeriods: z.number().int(),
    share: z.number().describe('Share of the periods in flood (target ≤ 0.01)'),
    target: z.number(),
    peak: z.number().int(),
  }),
  series: z.array(z.object({ start: z.number().int(), count: z.number().int() })).describe('Alarms per 10 minutes'),
  badActors: z.array(z.object({ ...rule, priority, count: z.number().int(), share: z.number() })).describe('Top 10'),
  chattering: z
    .array(z.object({ ...rule, maxPerMinute: z.number().int(), count: z.number().int() }))
    .describe('Rules with 3 or more alarms within 60 s'),
  stale: z.object({
    count: z.number().int(),
    alarms: z.array(
      z.object({
        alarmId: z.number().int(),
        assetId: z.string(),
        signal: z.string(),
        priority,
        since: z.number().int(),
        hours: z.number(),
      }),
    ),
  }),
  standing: z.object({
    count: z.number().int().describe('Active at `to`'),
    oldestSince: z.number().int().nullable(),
    oldestAlarmId: z.number().int().nullable(),
  }),
  priorities: z
    .array(
      z.object({
        band: z.enum(['low', 'medium', 'high']),
        count: z.number().int(),
        share: z.number(),
        recommended: z.number(),
      }),
    )
    .describe('low -> low, medium -> medium, high + urgent -> high; recommended 80 / 15 / 5 %'),
  timeToAck: z.object({
    acknowledged: z.number().int(),
    unacknowledged: z.number().int(),
    p50Seconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
  }),
});

const query =
  'Query: `from`, `to` (ISO 8601 or epoch ms; default the last 24 h; `to` after `from`, at most 92 days). A bad range is a 400 naming `from` or `to`.';
registerOperation({
  method: 'get',
  path: '/api/v1/alarms/kpis',
  tag: 'alarms',
  summary: 'Alarm KPIs (EEMUA 191 / ISA-18.2) over a range, computed by the database',
  description: query,
  role: 'viewer',
  responses: {
    200: { description: 'The figures', schema: kpis },
    400: { description: 'Bad range (`validation_failed`, fields `from` / `to`)', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/alarms/kpis.csv',
  tag: 'alarms',
  summary: 'The alarm KPIs as CSV: section, item, value, detail (one row per figure, the 10-minute series included)',
  description: query,
  role: 'viewer',
  responses: {
    200: { description: 'CSV attachment', schema: z.string(), contentType: 'text/csv' },
    400: { description: 'Bad range', schema: errorBodySchema },
  },
});
