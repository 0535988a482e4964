/**
 * Ingest of readings from outside (`POST /api/v1/assets/:id/telemetry`). The whole request is
 * validated before anything is stored: one bad item refuses the request, naming its index and
 * field. Readings outside the model's valid range are accepted (flagged by the pipeline).
 */
import { z } from 'zod';
import { mapValues, type SignalMap } from '../assets/signal-map';
import type { Reading } from './types';

const MAX_FUTURE_MS = 5 * 60_000;

const timestamp = z.union([
  z.number().int('ts must be whole epoch milliseconds').positive(),
  z.iso.datetime({ offset: true, message: 'ts must be an ISO 8601 date-time with a zone, e.g. 2026-11-22T10:00:00Z' }),
]);

export function readingSchema(features: string[]) {
  const values = z
    .record(z.string(), z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be finite'))
    .superRefine((v, ctx) => {
      for (const f of features) if (!(f in v)) ctx.addIssue({ code: 'custom', path: [f], message: `${f} is required` });
      for (const k of Object.keys(v))
        if (!features.includes(k))
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `unknown signal "${k}"; expected ${features.join(', ')}`,
          });
    });
  return z.strictObject({
    ts: timestamp.optional(),
    values,
    actual: z.number().refine(Number.isFinite, 'must be finite').optional(),
  });
}

export type ReadingInput = z.infer<ReturnType<typeof readingSchema>>;

/**
 * A reading of an asset of the registry: values keyed by signal name or source tag, converted
 * (scale/offset), extra signals checked against their range (lib/assets/signal-map.ts). The
 * result carries the values as stored.
 */
export function mappedReadingSchema(map: SignalMap) {
  const values = z
    .record(z.string(), z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be finite'))
    .transform((v, ctx) => {
      const mapped = mapValues(v, map);
      for (const issue of mapped.issues) ctx.addIssue({ code: 'custom', path: [issue.key], message: issue.message });
      return mapped.issues.length ? z.NEVER : mapped.values;
    });
  return z.strictObject({
    ts: timestamp.optional(),
    values,
    actual: z.number().refine(Number.isFinite, 'must be finite').optional(),
  });
}

/**
 * Validates a body that is one reading or an array of them. The shape is chosen by looking at
 * the body (not a zod union), so errors name the item's index and field rather than "no union
 * member matched".
 */
export function parseIngestBody(json: unknown, signals: string[] | SignalMap, maxBatch: number) {
  const { one, many } = schemasFor(signals, maxBatch);
  return Array.isArray(json) ? many.safeParse(json) : one.safeParse(json);
}

/**
 * The schemas for one feature list, built once: zod compiles a schema on its first parse, and
 * building it per request cost more than validating a 100-reading batch (bench:ingest). Keyed by
 * the features, so a model with other inputs gets its own.
 */
const schemaCache = new Map<string, { one: z.ZodType<ReadingInput>; many: z.ZodType<ReadingInput[]> }>();
function schemasFor(signals: string[] | SignalMap, maxBatch: number) {
  const mapped = !Array.isArray(signals);
  const key = `${maxBatch}\u0000${mapped ? `m\u0000${signals.key}` : signals.join('\u0000')}`;
  let hit = schemaCache.get(key);
  if (!hit) {
    const one: z.ZodType<ReadingInput> = mapped ? mappedReadingSchema(signals) : readingSchema(signals);
    const many = z
      .array(one)
      .min(1, 'send at least one reading')
      .max(maxBatch, `at most ${maxBatch} readings per request`);
    hit = { one, many };
    // Models and assets come and go; never grows without bound.
    if (schemaCache.size > 256) schemaCache.clear();
    schemaCache.set(key, hit);
  }
  return hit;
}

/** Validated body -> readings; `ts` defaults to now; a timestamp far in the future is refused. */
export function toReadings(
  assetId: string,
  body: ReadingInput | ReadingInput[],
  now = Date.now(),
): { readings: Reading[] } | { error: { field: string; message: string } } {
  const items = Array.isArray(body) ? body : [body];
  const readings: Reading[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const ts = item.ts === undefined ? now : typeof item.ts === 'number' ? item.ts : Date.parse(item.ts);
    if (ts > now + MAX_FUTURE_MS) {
      return {
        error: { field: Array.isArray(body) ? `${i}.ts` : 'ts', message: 'ts is more than 5 minutes in the future' },
      };
    }
    readings.push({ assetId, ts, values: item.values, ...(item.actual !== undefined ? { actual: item.actual } : {}) });
  }
  return { readings };
}
