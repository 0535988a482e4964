/**
 * The route helper every API handler goes through: authenticate, check the role, read and
 * validate the JSON body with a zod schema, call the handler, map errors to one JSON shape.
 * Handlers stay thin and never see an unauthenticated or malformed request.
 */
import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { hasRole, isRole, type Role } from '../auth/roles';
import { clientAddressFromHeaders } from '../auth/client-address';
import { logger } from '../log';
import { ApiError, forbidden, jsonError, unauthorized, type FieldError } from './errors';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface Principal {
  userId: string;
  username: string;
  role: Role;
  via: 'session';
  address: string;
}

export interface ApiContext<B> {
  req: NextRequest;
  principal: Principal;
  body: B;
  params: Record<string, string>;
}

interface RouteOptions<S extends z.ZodType | undefined> {
  /** Least role allowed (roles are ordered viewer < operator < admin). */
  role: Role;
  body?: S;
}

type Handler<S> = (ctx: ApiContext<S extends z.ZodType ? z.infer<S> : undefined>) => Promise<Response>;

export function apiRoute<S extends z.ZodType | undefined = undefined>(opts: RouteOptions<S>, handler: Handler<S>) {
  return async (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    try {
      const principal = await authenticate(req);
      if (!principal) return unauthorized();
      if (!hasRole(principal.role, opts.role)) return forbidden(opts.role);
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]));
      let body: unknown = undefined;
      if (opts.body) {
        const json = await readJson(req);
        const parsed = opts.body.safeParse(json);
        if (!parsed.success) throw validationError(parsed.error);
        body = parsed.data;
      }
      return await handler({ req, principal, body: body as never, params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

async function authenticate(req: NextRequest): Promise<Principal | null> {
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (!token || typeof token.sub !== 'string' || typeof token.username !== 'string' || !isRole(token.role)) return null;
  return { userId: token.sub, username: token.username, role: token.role, via: 'session', address: clientAddressFromHeaders(req.headers) };
}

/** Reads the body as JSON: 415 for another content type, 413 over 1 MB, 400 for broken JSON. */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', `Body is larger than ${MAX_BODY_BYTES} bytes`);
  const reader = req.body?.getReader();
  if (!reader) throw new ApiError(400, 'invalid_json', 'Body is empty; send a JSON document');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError(413, 'payload_too_large', `Body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
  if (!text.trim()) throw new ApiError(400, 'invalid_json', 'Body is empty; send a JSON document');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `Body is not valid JSON: ${(err as Error).message}`);
  }
}

/** zod issues -> field errors with dotted paths (`readings.3.values.temperature`). */
export function validationError(error: z.ZodError, message = 'The request is invalid'): ApiError {
  const fields: FieldError[] = error.issues.slice(0, 100).map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
  return new ApiError(400, 'validation_failed', message, fields);
}

export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) return jsonError(err.status, err.code, err.message, err.fields, err.headers);
  logger.error({ err }, 'unhandled API error');
  return jsonError(500, 'internal', 'Internal error; it has been logged');
}
