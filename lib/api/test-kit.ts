/**
 * Helpers for the API's integration tests: call a route handler with a NextRequest as Next would
 * (params as a promise, the client-address header server.ts sets), and make users, keys and
 * sessions on a started harness. Test-only; nothing in the app imports it.
 */
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { CLIENT_ADDRESS_HEADER } from '../auth/client-address';
import { issueApiKey } from '../auth/api-keys';
import { hashPassword } from '../auth/password';
import type { Role } from '../auth/roles';
import type { Services } from '../services';

export type RouteHandler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string | Uint8Array;
  contentType?: string | null;
  address?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | null;
}

/** Calls a route handler the way Next would and reads the whole answer. */
export async function call(
  baseUrl: string,
  handler: RouteHandler,
  path: string,
  opts: CallOptions = {},
): Promise<CallResult> {
  const method = opts.method ?? (opts.body !== undefined || opts.raw !== undefined ? 'POST' : 'GET');
  const headers: Record<string, string> = { [CLIENT_ADDRESS_HEADER]: opts.address ?? '198.51.100.1', ...opts.headers };
  const hasBody = opts.body !== undefined || opts.raw !== undefined;
  if (hasBody && opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
  const body = opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
  const req = new NextRequest(`${baseUrl}${path}`, { method, headers, body: body as BodyInit | undefined });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Creates a user with a password and returns its id. */
export async function addUser(
  services: Services,
  username: string,
  role: Role,
  password = `${username}-password`,
): Promise<string> {
  const user = await services.users.create({ username, passwordHash: await hashPassword(password), role });
  return user.id;
}

/** An API key for a user (`days` may be negative-in-effect via `now` in the past: an expired key). */
export async function addKey(
  services: Services,
  username: string,
  opts: { now?: Date; days?: number } = {},
): Promise<{ key: string; prefix: string }> {
  const user = await services.users.findByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  const keys = services.repos.apiKeys;
  return issueApiKey(
    { keys, audit: services.audit },
    { userId: user.id, username: user.username, actor: 'test', days: opts.days, now: opts.now },
  );
}

/** A browser session cookie for an existing user. */
export async function sessionCookie(services: Services, username: string): Promise<string> {
  const user = await services.users.findByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  const token = await encode({
    token: { sub: user.id, username: user.username, role: user.role, name: user.username },
    secret: services.authSecret,
  });
  return `next-auth.session-token=${token}`;
}

export const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
