/**
 * A small OpenAPI 3.1 registry. Each endpoint registers itself once with the zod schema its
 * handler validates with (`registerOperation`); `buildOpenApiDocument` turns the registry into a
 * document with `z.toJSONSchema`, so the document cannot drift from what the handlers accept.
 * Each module declares its operations in its own openapi-operations.ts; ./operations.ts gathers them
 * all, and the openapi route and the /docs page import it.
 */
import { z } from 'zod';
import type { Access } from './route';

/** What a schema may depend on at document time (the model's features are only known at run time). */
export interface DocContext {
  features: string[];
  maxIngestBatch: number;
  maxBatch: number;
}

export type SchemaSource = z.ZodType | ((ctx: DocContext) => z.ZodType);

export interface ResponseSpec {
  description: string;
  schema?: SchemaSource;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface OperationSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, parameters in braces: `/api/v1/assets/{id}/telemetry`. */
  path: string;
  summary: string;
  description?: string;
  /** Least role, or 'public'; shown in the document as `x-required-role`. */
  role: Access;
  tag: string;
  body?: SchemaSource;
  /**
   * Adds to the body's JSON Schema what zod refinements cannot express (e.g. the feature names a
   * record must hold); mutates in place.
   */
  bodyPatch?: (schema: Record<string, unknown>, ctx: DocContext) => void;
  /** The body's media type when not application/json (e.g. multipart/form-data for uploads). */
  bodyContentType?: string;
  /** Descriptions of path parameters, by name. */
  params?: Record<string, string>;
  responses: Record<number, ResponseSpec>;
}

// Module-local: each bundle that builds the document (Next's, a test's) imports every operation
// through ./operations.ts, which fills its own copy of this map.
const operations = new Map<string, OperationSpec>();
const registry = () => operations;

/** Adds (or replaces, e.g. after a hot reload) the operation `method path`. */
export function registerOperation(op: OperationSpec): void {
  registry().set(`${op.method} ${op.path}`, op);
}

export function registeredOperations(): OperationSpec[] {
  return [...registry().values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The one error shape (lib/api/errors.ts), for the document. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input: `error.fields` names each bad field',
  401: 'No valid credential (session cookie, API key or login token)',
  403: 'The credential is valid but its role is too low',
  413: 'Body larger than 1 MB',
  415: 'Body is not application/json',
  429: 'Rate limit reached; `Retry-After` says when to retry',
};

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a client may send or receive. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const resolve = (s: SchemaSource, ctx: DocContext) => (typeof s === 'function' ? s(ctx) : s);

/** The OpenAPI 3.1 document of every registered operation. */
export function buildOpenApiDocument(
  ctx: DocContext,
  info: { version: string; serverUrl?: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of registeredOperations()) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      const type = r.contentType ?? 'application/json';
      responses[status] = r.schema
        ? { description: r.description, content: { [type]: { schema: jsonSchema(resolve(r.schema, ctx)) } } }
        : { description: r.description };
    }
    const errors = [...(op.body ? [400, 413, 415] : []), ...(op.role !== 'public' ? [401, 403, 429] : [])];
    for (const status of errors) responses[String(status)] ??= { $ref: `#/components/responses/E${status}` };
    const parameters = Object.entries(op.params ?? {}).map(([name, description]) => ({
      name,
      in: 'path',
      required: true,
      description,
      schema: { type: 'string' },
    }));
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: operationId(op),
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      'x-required-role': op.role,
      security: op.role === 'public' ? [] : [{ bearer: [] }, { session: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { [op.bodyContentType ?? 'application/json']: { schema: bodySchema(op, op.body, ctx) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'twinops API',
      version: info.version,
      description:
        'Realtime digital-twin console. Authenticate with `Authorization: Bearer <API key or login token>` (POST /api/v1/auth/login) or a browser session. Roles: a viewer reads and predicts; an operator also ingests and acknowledges; an admin also manages users, keys and models.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`tok_…`, from `npm run users -- key-create`) or a login token',
        },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token', description: 'Browser session' },
      },
      schemas: { Error: jsonSchema(errorBodySchema) },
      responses: Object.fromEntries(
        Object.entries(STANDARD_ERRORS).map(([status, description]) => [
          `E${status}`,
          { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
      ),
    },
  };
}

function bodySchema(op: OperationSpec, source: SchemaSource, ctx: DocContext): Record<string, unknown> {
  const schema = jsonSchema(resolve(source, ctx));
  op.bodyPatch?.(schema, ctx);
  return schema;
}

function operationId(op: OperationSpec): string {
  const words = op.path
    .replace(/^\/api\/(v1\/)?/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [op.method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/**
 * `values` is a record checked by a refinement (exactly the model's features), which JSON Schema
 * conversion cannot see: spell the features out as properties wherever a `values` record appears.
 */
export function namedValues(node: unknown, features: string[]): void {
  if (Array.isArray(node)) return node.forEach((n) => namedValues(n, features));
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  const props = obj.properties as Record<string, Record<string, unknown>> | undefined;
  const values = props?.values;
  if (values && values.type === 'object' && !values.properties) {
    values.properties = Object.fromEntries(features.map((f) => [f, { type: 'number' }]));
    values.required = features;
    values.additionalProperties = false;
    delete values.propertyNames;
  }
  for (const v of Object.values(obj)) namedValues(v, features);
}
