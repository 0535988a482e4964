/**
 * What the alert route handlers share: the running engine, path parameters and query parsing.
 * The engine's errors are `DomainError`s, answered by lib/api/route.ts.
 */
import type { NextRequest } from 'next/server';
import { ApiError } from '../api/errors';
import { validationError } from '../api/route';
import { alertQuerySchema, journalQuerySchema, ruleQuerySchema } from './schemas';
import type { JournalQuery } from '../db/alerts-repo';
import type { z } from 'zod';
import { kpiQuerySchema, kpiRangeOf, kpiRangeSchema, type KpiRange } from './kpis';

/** A numeric alert id from the path, or 404 (an id that cannot exist is simply not found). */
export function alertIdParam(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id))
    throw new ApiError(404, 'not_found', `alert ${raw ?? ''} not found`);
  return id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rule id from the path, or 404. */
export function ruleIdParam(raw: string | undefined): string {
  if (!raw || !UUID.test(raw)) throw new ApiError(404, 'not_found', `alert rule ${raw ?? ''} not found`);
  return raw.toLowerCase();
}

/** The journal's query string as the repository's query (400 naming the field). */
export function parseJournalQuery(req: NextRequest): JournalQuery {
  const q = parseQuery(req, journalQuerySchema);
  return {
    assetId: q.asset,
    ruleId: q.rule?.toLowerCase(),
    priority: q.priority,
    event: q.event,
    from: q.from,
    to: q.to,
    cursor: q.cursor,
    limit: q.limit,
  };
}

function parseQuery<S extends z.ZodType>(req: NextRequest, schema: S): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error, 'The query is invalid');
  return parsed.data;
}

export const parseAlertQuery = (req: NextRequest) => parseQuery(req, alertQuerySchema);
export const parseRuleQuery = (req: NextRequest) => parseQuery(req, ruleQuerySchema);

/** The KPI range of a query string (400 naming `from` or `to`), defaults filled in. */
export function parseKpiRange(req: NextRequest, now = Date.now()): KpiRange {
  const parsed = kpiRangeSchema.safeParse(kpiRangeOf(parseQuery(req, kpiQuerySchema), now));
  if (!parsed.success) throw validationError(parsed.error, 'The range is invalid');
  return parsed.data;
}
