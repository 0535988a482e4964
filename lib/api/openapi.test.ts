import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument, registerOperation, registeredOperations } from './openapi';
import { currentDocContext, openApiDocument } from './operations';
import { routeTemplate } from './route';

type Doc = { paths: Record<string, Record<string, Record<string, unknown>>>; components: Record<string, unknown> };

describe('OpenAPI registry', () => {
  it('documents every declared operation without a running process (fallback features)', () => {
    expect(currentDocContext().features).toEqual(['temperature', 'pressure', 'flow']);
    const doc = openApiDocument() as unknown as Doc;
    const ingest = doc.paths['/api/v1/assets/{id}/telemetry']!.post!;
    expect(ingest.parameters).toEqual([
      { name: 'id', in: 'path', required: true, description: 'Asset id, e.g. reactor-1', schema: { type: 'string' } },
    ]);
    expect(Object.keys(ingest.responses as object).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '413',
      '415',
      '429',
    ]);
    const schema = (ingest.requestBody as { content: Record<string, { schema: { anyOf: Record<string, unknown>[] } }> })
      .content['application/json']!.schema;
    const one = schema.anyOf[0] as { properties: Record<string, unknown> };
    expect(one.properties.values).toEqual({
      type: 'object',
      properties: { temperature: { type: 'number' }, pressure: { type: 'number' }, flow: { type: 'number' } },
      required: ['temperature', 'pressure', 'flow'],
      additionalProperties: false,
    });
    expect(schema.anyOf[1]).toMatchObject({ type: 'array', minItems: 1, maxItems: 10_000 });
    // Public operations carry no security requirement and no 401/403.
    expect(doc.paths['/api/health']!.get!.security).toEqual([]);
    expect(Object.keys(doc.paths['/api/health']!.get!.responses as object)).toEqual(['200', '503']);
  });

  it("documents the reference service's /predict and /metrics in their own shapes", () => {
    const doc = openApiDocument() as unknown as Doc;
    const predict = doc.paths['/predict']!.post!;
    const ok = (predict.responses as Record<string, { content: Record<string, { schema: Record<string, unknown> }> }>)[
      '200'
    ]!.content['application/json']!.schema;
    expect(ok.required).toEqual(['success', 'result', 'request_id']);
    expect(Object.keys((ok.properties as { result: { properties: object } }).result.properties)).toEqual([
      'prediction',
      'confidence_interval',
      'inference_time_ms',
      'timestamp',
    ]);
    expect(Object.keys(predict.responses as object)).toEqual(expect.arrayContaining(['400', '401']));
    const metrics = doc.paths['/metrics']!.get!;
    expect(metrics.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(JSON.stringify(metrics.responses)).toContain('uptime_seconds');
  });

  it('lets a new endpoint register itself with one call, replacing an earlier registration of the same method and path', () => {
    const before = registeredOperations().length;
    const body = z.object({ limit: z.number().int().min(1).max(10), note: z.string().optional() });
    registerOperation({
      method: 'post',
      path: '/api/v1/examples/{id}/poke',
      tag: 'examples',
      summary: 'first',
      role: 'operator',
      body,
      params: { id: 'Example id' },
      responses: { 200: { description: 'ok' } },
    });
    registerOperation({
      method: 'post',
      path: '/api/v1/examples/{id}/poke',
      tag: 'examples',
      summary: 'Poke an example',
      role: 'operator',
      body,
      params: { id: 'Example id' },
      responses: { 200: { description: 'ok' } },
    });
    expect(registeredOperations().length).toBe(before + 1);
    const doc = buildOpenApiDocument(
      { features: ['a'], maxBatch: 1, maxIngestBatch: 1 },
      { version: '1.2.3' },
    ) as unknown as Doc;
    const op = doc.paths['/api/v1/examples/{id}/poke']!.post!;
    expect(op).toMatchObject({
      summary: 'Poke an example',
      operationId: 'postExamplesIdPoke',
      'x-required-role': 'operator',
    });
    // The body as the reference UI (/docs) reads it: types, bounds and which fields are required.
    const schema = (op.requestBody as { content: Record<string, { schema: Record<string, unknown> }> }).content[
      'application/json'
    ]!.schema;
    expect(schema).toMatchObject({
      type: 'object',
      properties: { limit: { type: 'integer', minimum: 1, maximum: 10 }, note: { type: 'string' } },
      required: ['limit'],
    });
  });
});

describe('routeTemplate', () => {
  it('replaces parameter values by their names, so metrics never carry raw ids', () => {
    expect(routeTemplate('/api/v1/assets/reactor-1/telemetry', { id: 'reactor-1' })).toBe(
      '/api/v1/assets/:id/telemetry',
    );
    expect(routeTemplate('/api/v1/assets/a%20b/telemetry', { id: 'a b' })).toBe('/api/v1/assets/:id/telemetry');
    expect(routeTemplate('/api/v1/assets', {})).toBe('/api/v1/assets');
    expect(routeTemplate('/api/v1/assets/%E0%A4%A/x', { id: 'zz' })).toBe('/api/v1/assets/%E0%A4%A/x');
  });
});
