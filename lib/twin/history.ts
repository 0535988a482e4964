/**
 * The history API's logic (`GET /api/v1/assets/:id/history`): validate the query, downsample the
 * range in the database (lib/db telemetryHistoryRepo.downsample: min and max per time bucket,
 * with the times they happened) and shape the answer as one series per signal. Every series has
 * at most `maxPoints` points whatever the range, and keeps the range's spikes.
 */
import { z } from 'zod';
import type { HistorySource, TelemetryHistoryRepo } from '../db/telemetry-history-repo';

export const MAX_POINTS_MIN = 10;
export const MAX_POINTS_MAX = 20_000;
export const DEFAULT_MAX_POINTS = 2_000;
/** Non-feature signals: the model's prediction (with its band) and the measured target. */
export const EXTRA_SIGNALS = ['prediction', 'actual'] as const;

/**
 * The last instant a range may name: 9999-12-31T23:59:59.999Z (ISO 8601's four-digit years).
 * Beyond it the database refuses the timestamp, which was a 500 (and a broken CSV stream).
 */
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An instant as ISO 8601 with a zone, or epoch milliseconds (as the query string's text). */
export const instantSchema = (name: string) =>
  z
    .string({ error: `${name} is required (ISO 8601 date-time with a zone, or epoch ms)` })
    .trim()
    .min(1, `${name} is required (ISO 8601 date-time with a zone, or epoch ms)`)
    .transform((text, ctx) => {
      const ms = /^\d{1,15}$/.test(text)
        ? Number(text)
        : z.iso.datetime({ offset: true }).safeParse(text).success
          ? Date.parse(text)
          : Number.NaN;
      if (!Number.isFinite(ms)) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be an ISO 8601 date-time with a zone (2026-11-22T10:00:00Z) or epoch ms`,
        });
        return z.NEVER;
      }
      if (ms > MAX_INSTANT_MS) {
        ctx.addIssue({ code: 'custom', message: `${name} must be at most ${new Date(MAX_INSTANT_MS).toISOString()}` });
        return z.NEVER;
      }
      return ms;
    });

/** from/to of a range, to after from. */
export const rangeQuerySchema = z
  .object({ from: instantSchema('from'), to: instantSchema('to') })
  .refine((q) => q.to > q.from, { path: ['to'], message: 'to must be after from' });

/** The history query; `signals` must be among the features, prediction and actual. */
export function historyQuerySchema(features: string[]) {
  const known = [...features, ...EXTRA_SIGNALS];
  return z
    .object({
      from: instantSchema('from'),
      to: instantSchema('to'),
      signals: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined || text.trim() === '') return known;
          const names = [
            ...new Set(
              text
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            ),
          ];
          const unknown = names.filter((n) => !known.includes(n));
          if (unknown.length || !names.length) {
            ctx.addIssue({
              code: 'custom',
              message: `unknown signal${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; expected some of ${known.join(', ')}`,
            });
            return z.NEVER;
          }
          return names;
        }),
      maxPoints: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined || text === '') return DEFAULT_MAX_POINTS;
          const n = Number(text);
          if (!Number.isInteger(n) || n < MAX_POINTS_MIN || n > MAX_POINTS_MAX) {
            ctx.addIssue({
              code: 'custom',
              message: `maxPoints must be a whole number from ${MAX_POINTS_MIN} to ${MAX_POINTS_MAX}`,
            });
            return z.NEVER;
          }
          return n;
        }),
    })
    .refine((q) => q.to > q.from, { path: ['to'], message: 'to must be after from' });
}

export type HistoryQuery = z.output<ReturnType<typeof historyQuerySchema>>;

/** The query string as a plain object for the schemas (repeated keys: the last wins). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}

export interface HistorySeries {
  /** Epoch ms (UTC) of each point, ascending. */
  t: number[];
  v: number[];
  /** Prediction only: the band around each point (the envelope of its bucket). */
  lower?: (number | null)[];
  upper?: (number | null)[];
}

export interface HistoryResult {
  assetId: string;
  from: number;
  to: number;
  maxPoints: number;
  /** Width of a bucket in ms; every bucket contributes its min and its max. */
  bucketMs: number;
  /** Readings stored in the range. */
  rawCount: number;
  /** False when every stored reading is in the answer (each bucket held at most two). */
  downsampled: boolean;
  series: Record<string, HistorySeries>;
}

const sourceOf = (name: string, features: string[]): HistorySource =>
  features.includes(name)
    ? { kind: 'feature', name }
    : { kind: 'column', name: name === 'actual' ? 'actual' : 'prediction' };

/**
 * Downsamples `q` for `assetId`: floor(maxPoints / 2) buckets, each giving its min and its max
 * (in time order, one point when they coincide), so no series exceeds `maxPoints`.
 */
export async function queryHistory(
  repo: TelemetryHistoryRepo,
  assetId: string,
  q: HistoryQuery,
  features: string[],
): Promise<HistoryResult> {
  const buckets = Math.max(1, Math.floor(q.maxPoints / 2));
  const sources = q.signals.map((n) => sourceOf(n, features));
  const rows = await repo.downsample(assetId, q.from, q.to, buckets, sources);
  const series: Record<string, HistorySeries> = Object.fromEntries(
    q.signals.map((n) => [n, n === 'prediction' ? { t: [], v: [], lower: [], upper: [] } : { t: [], v: [] }]),
  );
  let rawCount = 0;
  let downsampled = false;
  for (const { bucket } of rows) {
    rawCount += bucket.count;
    if (bucket.count > 2) downsampled = true;
    q.signals.forEach((name, i) => {
      const e = bucket.extremes[i];
      if (!e) return;
      const s = series[name]!;
      const [minV, minT, maxV, maxT] = e;
      const push = (t: number, v: number) => {
        s.t.push(t);
        s.v.push(v);
        s.lower?.push(bucket.lower);
        s.upper?.push(bucket.upper);
      };
      if (minT === maxT) push(minT, minV);
      else if (minT < maxT) {
        push(minT, minV);
        push(maxT, maxV);
      } else {
        push(maxT, maxV);
        push(minT, minV);
      }
    });
  }
  return {
    assetId,
    from: q.from,
    to: q.to,
    maxPoints: q.maxPoints,
    bucketMs: (q.to - q.from + 1) / buckets,
    rawCount,
    downsampled,
    series,
  };
}
