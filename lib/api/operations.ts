/**
 * The API's OpenAPI document: every module declares its operations beside its handlers, with the
 * zod schemas they validate with (lib/<module>/openapi-operations.ts); importing this file gathers
 * them all. Here: the operations endpoints (health, metrics, this document) and the document's
 * run-time context.
 */
import { z } from 'zod';
import { getServicesOrNull } from '../services';
import { buildOpenApiDocument, registerOperation, type DocContext } from './openapi';
import '../auth/openapi-operations';
import '../twin/openapi-operations';
import '../ingest/openapi-operations';
import '../time/openapi-operations';
import '../what-if/openapi-operations';
import '../serving/model-openapi-operations';
import '../serving/openapi-operations';
import '../alerts/openapi-operations';
import '../annotations/openapi-operations';
import './reference-operations';

const anyObject = z.looseObject({});

const healthResponse = z.object({
  status: z
    .enum(['ok', 'degraded', 'unhealthy'])
    .describe('degraded: no model can run (readings still stream); `reason` says why'),
  reason: z.string().optional(),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.object({
    database: z.object({
      status: z.enum(['ok', 'failed']),
      kind: z.string(),
      latencyMs: z.number().optional(),
      reason: z.string().optional(),
    }),
    model: z
      .object({
        status: z.enum(['ok', 'failed']),
        version: z.string().nullable().optional(),
        reason: z.string().optional(),
      })
      .optional(),
  }),
});
registerOperation({
  method: 'get',
  path: '/api/health',
  tag: 'operations',
  summary: 'Liveness and readiness (no auth); 200 `degraded` when no model can run',
  role: 'public',
  responses: {
    200: { description: 'Healthy', schema: healthResponse },
    503: { description: 'A check failed; the report says which', schema: healthResponse },
  },
});
registerOperation({
  method: 'get',
  path: '/api/metrics',
  tag: 'operations',
  summary: 'Prometheus metrics (text format)',
  description:
    'Scrapers send `Authorization: Bearer $METRICS_TOKEN` or an API key; browser sessions need the admin role.',
  role: 'viewer',
  responses: {
    200: { description: 'Prometheus text exposition', schema: z.string(), contentType: 'text/plain; version=0.0.4' },
  },
});
registerOperation({
  method: 'get',
  path: '/api/openapi.json',
  tag: 'operations',
  summary: 'This document',
  role: 'viewer',
  responses: { 200: { description: 'OpenAPI 3.1', schema: anyObject } },
});

const FALLBACK_FEATURES = ['temperature', 'pressure', 'flow'];

/** What the document depends on at run time: the live catalog's features and the batch limits. */
export function currentDocContext(): DocContext {
  const services = getServicesOrNull();
  const signals = services?.twin.catalog().signals.map((s) => s.name);
  return {
    features: signals?.length ? signals : FALLBACK_FEATURES,
    maxIngestBatch: services?.config.MAX_INGEST_BATCH ?? 10_000,
    maxBatch: services?.config.MAX_BATCH ?? 1_000,
  };
}

/** The API's OpenAPI 3.1 document as the running process serves it. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const services = getServicesOrNull();
  return buildOpenApiDocument(currentDocContext(), { version: services?.version ?? '0.0.0', serverUrl });
}
