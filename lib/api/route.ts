/**
 * The route helper every API handler goes through: authenticate (session cookie or
 * `Authorization: Bearer` API key / login token), check the role, apply the rate limits, read and
 * validate the JSON body with a zod schema, call the handler, map errors to one JSON shape, and
 * count the request in the metrics by route template. Handlers stay thin and never see an
 * unauthenticated or malformed request. Every refusal (401/403/429) is audited.
 */
import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { authenticateBearer, bearerCredential, type Principal } from '../auth/bearer';
import { clientAddressFromHeaders } from '../auth/client-address';
import { hasRole, type Role } from '../auth/roles';
import { readSessionClaims } from '../auth/session-claims';
import { sessionRefusal } from '../auth/revocation';
import { logger } from '../log';
import { recordHttpRequest } from '../metrics';
import { getServices, type Services } from '../services';
import { ApiError, forbidden, jsonError, unauthorized, type FieldError } from './errors';
import { readDomainError } from '../errors/domain-error';
import { JsonReply, MachineRequest, type LightRequest } from './light-http';
import { protoKeyIn } from './prototype-keys';

export type { Principal };
export const MAX_BODY_BYTES = 1024 * 1024;

/** `'public'`: no credential needed (the login endpoint); otherwise the least role allowed. */
export type Access = Role | 'public';

export interface ApiContext<B, A extends Access = Role, R = NextRequest> {
  /** A NextRequest; a LightRequest for `machine: true` routes (see light-http.ts). */
  req: R;
  principal: A extends 'public' ? null : Principal;
  body: B;
  params: Record<string, string>;
  /** The client's address (set by server.ts from the socket, not from a client header). */
  address: string;
}

export interface RouteOptions<S extends z.ZodType | undefined, A extends Access> {
  /** Least role allowed (roles are ordered viewer < operator < admin), or 'public'. */
  role: A;
  /** Least role for browser sessions when it differs from `role` (metrics: people must be admins). */
  sessionRole?: Role;
  /** Also accept `Bearer $METRICS_TOKEN` (for Prometheus scrapers). */
  metricsToken?: boolean;
  body?: S;
  /**
   * The route may be served by the machine fast path (lib/server/machine-api.ts): its handler
   * only reads a LightRequest and may answer with `reply()`. The route function then carries a
   * `machine` entry point next to the one Next calls.
   */
  machine?: boolean;
}

type Answer = Response | JsonReply;
type Handler<S, A extends Access, R> = (
  ctx: ApiContext<S extends z.ZodType ? z.infer<S> : undefined, A, R>,
) => Promise<Answer>;
type RouteContext = { params?: Promise<Record<string, string | string[]>> };

/** The fast path's entry into a `machine: true` route: same checks, answer not yet a Response. */
export type MachineEntry = (req: MachineRequest, params?: Record<string, string>) => Promise<Answer>;

/** The function Next calls (a Response, always). */
export type NextRouteHandler = (req: NextRequest, ctx?: RouteContext) => Promise<Response>;

export function apiRoute<S extends z.ZodType | undefined = undefined, A extends Access = Role>(
  opts: RouteOptions<S, A> & { machine: true },
  handler: Handler<S, A, LightRequest>,
): NextRouteHandler & { machine: MachineEntry };
export function apiRoute<S extends z.ZodType | undefined = undefined, A extends Access = Role>(
  opts: RouteOptions<S, A>,
  handler: Handler<S, A, NextRequest>,
): NextRouteHandler;
export function apiRoute<S extends z.ZodType | undefined, A extends Access>(
  opts: RouteOptions<S, A>,
  handler: Handler<S, A, NextRequest> | Handler<S, A, LightRequest>,
): NextRouteHandler | (NextRouteHandler & { machine: MachineEntry }) {
  const serve = async (req: NextRequest | MachineRequest, pathname: string, ctx?: RouteContext): Promise<Answer> => {
    const t0 = performance.now();
    let route = pathname;
    let res: Answer;
    try {
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = Object.fromEntries(
        Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]),
      );
      route = routeTemplate(route, params);
      const address = clientAddressFromHeaders(req.headers);
      const gate = opts.role === 'public' ? null : await authorize(req, opts as RouteOptions<S, Role>, route, address);
      if (gate instanceof Response) {
        res = gate;
      } else {
        let body: unknown = undefined;
        if (opts.body) {
          const json = await readJson(req);
          const parsed = opts.body.safeParse(json);
          if (!parsed.success) throw validationError(parsed.error);
          body = parsed.data;
        }
        res = await (handler as Handler<S, A, typeof req>)({
          req,
          principal: gate as never,
          body: body as never,
          params,
          address,
        });
      }
    } catch (err) {
      res = errorResponse(err);
    }
    recordHttpRequest(req.method, route, res.status, (performance.now() - t0) / 1000);
    return res;
  };
  const forNext: NextRouteHandler = async (req, ctx) => {
    const res = await serve(req, req.nextUrl?.pathname ?? new URL(req.url).pathname, ctx);
    return res instanceof JsonReply ? res.toResponse() : res;
  };
  if (!opts.machine) return forNext;
  return Object.assign(forNext, {
    // The fast path matched the route's dynamic segments itself (e.g. `:id`): they arrive as `params`.
    machine: (req: MachineRequest, params?: Record<string, string>) =>
      serve(req, req.pathname, params ? { params: Promise.resolve(params) } : undefined),
  });
}

/** `/api/v1/assets/reactor-1/telemetry` + {id: 'reactor-1'} -> `/api/v1/assets/:id/telemetry`. */
export function routeTemplate(pathname: string, params: Record<string, string>): string {
  // A catch-all (`[...name]`, joined with '/'): its segments end the path; one label for all.
  const rest = Object.entries(params).find(([, v]) => v.includes('/'));
  if (rest) {
    const kept = pathname.split('/').slice(0, -rest[1].split('/').length);
    return [...kept, `:${rest[0]}*`].join('/');
  }
  const byValue = new Map(Object.entries(params).map(([k, v]) => [v, k]));
  if (!byValue.size) return pathname;
  return pathname
    .split('/')
    .map((seg) => {
      let decoded = seg;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        // keep the raw segment
      }
      const name = byValue.get(decoded);
      return name ? `:${name}` : seg;
    })
    .join('/');
}

/** Authenticates, checks the role and the per-principal limit; a Response means refused. */
async function authorize(
  req: NextRequest | MachineRequest,
  opts: RouteOptions<z.ZodType | undefined, Role>,
  route: string,
  address: string,
): Promise<Principal | Response> {
  const services = getServices();
  const { config, auth } = services;
  const limits = auth.rateLimits;
  const target = `${req.method} ${route}`;
  const refuse = async (res: Response, actor: string | null, details: Record<string, unknown>) => {
    await auditRefusal(services, { actor, target, address, details: { status: res.status, ...details } });
    return res;
  };

  let principal: Principal;
  const header = bearerCredential(req.headers.get('authorization'));
  if (header.kind !== 'none') {
    const block = await limits.authFailureBlock(address);
    if (!block.allowed) {
      const res = tooManyRequests(block.retryAfterSeconds, 'Too many failed authentications from this address');
      // Audited once a window per address, not per request (a flood must not flood the log).
      return limits.onceAWindow(`auth-block:${address}`) ? refuse(res, null, { reason: 'auth_failures' }) : res;
    }
    if (header.kind === 'malformed') {
      await limits.recordAuthFailure(address);
      return refuse(unauthorized(), null, { reason: 'malformed_authorization' });
    }
    const result = await authenticateBearer(
      header.credential,
      {
        keys: services.repos.apiKeys,
        audit: services.audit,
        auth,
        secret: services.authSecret,
        metricsToken: config.METRICS_TOKEN,
      },
      address,
      opts.metricsToken === true,
    );
    if (!result.ok) {
      await limits.recordAuthFailure(address);
      return refuse(unauthorized(), result.actor, {
        reason: result.reason,
        ...(result.keyPrefix ? { keyPrefix: result.keyPrefix } : {}),
      });
    }
    principal = result.principal;
  } else if (req instanceof MachineRequest) {
    // The fast path only takes requests with an Authorization header; never a session cookie.
    return refuse(unauthorized(), null, { reason: 'no_credentials' });
  } else {
    const token = await getToken({ req, secret: services.authSecret });
    const claims = readSessionClaims(token, Date.now(), Math.round(config.SESSION_MAX_AGE_HOURS * 3600));
    if (!token || !claims) {
      return refuse(unauthorized(), null, { reason: token ? 'invalid_session' : 'no_credentials' });
    }
    // The cookie carries the role it was issued with: use the user's current state instead, so a
    // disabled user is refused and a role change applies within seconds (lib/auth/user-state.ts).
    // Revoked sessions (password changed, logged out, ...) too: lib/auth/revocation.ts.
    const state = await auth.userStates.get(claims.userId);
    const refusal = sessionRefusal(claims, state, auth.loggedOut);
    if (refusal || !state) {
      return refuse(unauthorized(), claims.username, { reason: refusal, via: 'session' });
    }
    principal = {
      userId: state.id,
      username: state.username,
      role: state.role,
      via: 'session',
      address,
      session: { authTime: claims.authTime, generation: claims.generation, sid: claims.sid },
    };
  }

  // `sessionRole` is for people: a browser session or a login token (the same person's password
  // exchanged for a bearer); machines (API keys, the scraper token) keep `role`.
  const person = principal.via === 'session' || principal.via === 'token';
  const needed = person && opts.sessionRole ? opts.sessionRole : opts.role;
  if (!hasRole(principal.role, needed)) {
    return refuse(forbidden(needed), principal.username, {
      reason: 'role',
      role: principal.role,
      needed,
      via: principal.via,
      ...(principal.keyPrefix ? { keyPrefix: principal.keyPrefix } : {}),
    });
  }

  const limitKey =
    principal.via === 'api-key'
      ? `key:${principal.keyPrefix}`
      : principal.via === 'metrics-token'
        ? 'metrics'
        : `user:${principal.userId}`;
  const limit = await limits.consumePrincipal(limitKey);
  if (!limit.allowed) {
    const res = tooManyRequests(
      limit.retryAfterSeconds,
      `Rate limit of ${config.API_RATE_LIMIT_PER_MINUTE} requests a minute reached`,
    );
    return limit.firstRefusal
      ? refuse(res, principal.username, { reason: 'rate_limit', via: principal.via, limitKey })
      : res;
  }
  return principal;
}

function tooManyRequests(retryAfterSeconds: number, message: string): Response {
  return jsonError(429, 'too_many_requests', `${message}; retry in ${retryAfterSeconds} s`, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
}

async function auditRefusal(
  services: Services,
  e: { actor: string | null; target: string; address: string; details: Record<string, unknown> },
): Promise<void> {
  try {
    await services.audit.record({
      actor: e.actor,
      action: 'api.refused',
      target: e.target,
      outcome: 'denied',
      address: e.address,
      details: e.details,
    });
  } catch (err) {
    logger.warn({ err }, 'could not audit a refused API request');
  }
}

/**
 * The whole request body, refused with `tooLarge()` as soon as it is known to exceed `maxBytes`
 * (by its declared length, or while reading: the rest is never buffered). Null when there is none.
 */
export async function readBodyCapped(
  req: Request,
  maxBytes: number,
  tooLarge: () => ApiError,
): Promise<Buffer<ArrayBuffer> | null> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  const reader = req.body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads the body as JSON: 415 for another content type, 413 over 1 MB, 400 for broken JSON. */
export async function readJson(req: Request | LightRequest): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
  const tooLarge = () => new ApiError(413, 'payload_too_large', `Body is larger than ${MAX_BODY_BYTES} bytes`);
  let body: Buffer | null;
  if (req instanceof MachineRequest) {
    body = req.bodyBytes;
    if (body && body.byteLength > MAX_BODY_BYTES) throw tooLarge();
  } else {
    // Any other LightRequest is the NextRequest of a `machine: true` route called through Next.
    body = await readBodyCapped(req as Request, MAX_BODY_BYTES, tooLarge);
  }
  if (!body) throw new ApiError(400, 'invalid_json', 'Body is empty; send a JSON document');
  const text = utf8.decode(body);
  if (!text.trim()) throw new ApiError(400, 'invalid_json', 'Body is empty; send a JSON document');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // JSON.parse throws RangeError (call stack) on very deep nesting: still the client's fault.
    throw new ApiError(400, 'invalid_json', `Body is not valid JSON: ${(err as Error).message}`);
  }
  const protoKey = protoKeyIn(text, parsed);
  if (protoKey !== null) {
    const message = `${protoKey.split('.').pop()} is not an accepted field`;
    throw new ApiError(400, 'validation_failed', message, [{ field: protoKey, message }]);
  }
  return parsed;
}

/** zod issues -> field errors with dotted paths (`readings.3.values.temperature`). */
export function validationError(error: z.ZodError, message = 'The request is invalid'): ApiError {
  const at = (path: PropertyKey[]) => path.map(String).join('.') || '(body)';
  // An unknown key is reported where it is (`inputs.2.extra`), not at the object holding it.
  const fields: FieldError[] = error.issues
    .flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({ field: at([...i.path, k]), message: `${k} is not an accepted field` }))
        : [{ field: at(i.path), message: i.message }],
    )
    .slice(0, 100);
  return new ApiError(400, 'validation_failed', message, fields);
}

export function errorResponse(err: unknown): Response {
  const refusal = readDomainError(err);
  if (refusal) return jsonError(refusal.status, refusal.code, refusal.message, refusal.fields, refusal.headers);
  logger.error({ err }, 'unhandled API error');
  return jsonError(500, 'internal', 'Internal error; it has been logged');
}
