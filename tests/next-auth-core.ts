/**
 * next-auth's core request handler with our options, its answer turned into a fetch Response by
 * next-auth's own `toResponse` (as its App Router handler does; a bad Location header throws
 * there, i.e. a 500). The App Router wrapper itself needs Next's request scope (next/headers), so
 * tests call the core. Not in next-auth's package exports: loaded by path.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildAuthOptions } from '../lib/auth/auth-options';

const load = createRequire(import.meta.url);
const dir = path.dirname(load.resolve('next-auth'));
const { AuthHandler } = load(path.join(dir, 'core/index.js')) as {
  AuthHandler: (p: { req: Record<string, unknown>; options: unknown }) => Promise<unknown>;
};
const { toResponse } = load(path.join(dir, 'next/utils.js')) as { toResponse: (r: unknown) => Response };

/** One next-auth request (`action`: csrf, session, callback, signout...). */
export async function nextAuth(req: Record<string, unknown>): Promise<Response> {
  const internal = await AuthHandler({
    req: { headers: {}, cookies: {}, query: {}, method: 'GET', ...req },
    options: buildAuthOptions(),
  });
  return toResponse(internal);
}

/** The value of a cookie set by an answer, or undefined. */
export function setCookieValue(res: Response, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${name.replace(/[.]/g, '\\.')}=([^;]*)`).exec(c);
    if (m) return decodeURIComponent(m[1]!);
  }
  return undefined;
}

/** Logs in through the credentials callback (csrf first, as the form does). */
export async function credentialsLogin(username: string, password: string, callbackUrl = '/'): Promise<Response> {
  const csrfRes = await nextAuth({ action: 'csrf' });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  return nextAuth({
    action: 'callback',
    providerId: 'credentials',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'localhost:3000' },
    cookies: { 'next-auth.csrf-token': setCookieValue(csrfRes, 'next-auth.csrf-token') },
    body: { username, password, csrfToken, callbackUrl, json: 'true' },
  });
}
