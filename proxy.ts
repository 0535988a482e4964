/**
 * Gatekeeper for every request Next serves. Pages without a session redirect to
 * /login?callbackUrl=...; API routes answer 401 JSON instead (a redirect is useless to a machine
 * client). /login, /api/auth/*, /api/v1/auth/login, /api/health and /health are public.
 *
 * An API request with an `Authorization: Bearer` header is passed on unchecked: the route helper
 * (lib/api/route.ts) authenticates it, since an API key needs a database lookup and the proxy
 * must stay free of the database. Pages always need a session.
 *
 * Every page also gets its Content-Security-Policy here, with a fresh nonce: Next reads it from
 * the request's CSP header and puts it on the scripts it renders (issue 14).
 */
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { unauthorized } from './lib/api/errors';
import { readSessionClaims } from './lib/auth/session-claims';
import { newNonce, pageContentSecurityPolicy } from './lib/server/content-security-policy';

const PUBLIC_PATHS = [
  /^\/login\/?$/,
  /^\/api\/auth(\/|$)/,
  /^\/api\/health\/?$/,
  /^\/health\/?$/,
  /^\/api\/v1\/auth\/login\/?$/,
];
/** Machine endpoints: JSON answers, bearer tokens (`/model/info`, `/predict`, `/metrics`: the reference service's paths). */
const API_PATHS = /^\/(api\/|(model\/info|predict|metrics)\/?$)/;

/** Passes the request on; a page's answer carries the CSP whose nonce Next puts on its scripts. */
function pass(req: NextRequest, isApi: boolean): NextResponse {
  if (isApi) return NextResponse.next();
  const csp = pageContentSecurityPolicy({
    nonce: newNonce(),
    dev: process.env.NODE_ENV !== 'production',
    https: req.nextUrl.protocol === 'https:' || Boolean(process.env.NEXTAUTH_URL?.startsWith('https://')),
  });
  const headers = new Headers(req.headers);
  headers.set('content-security-policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', csp);
  return res;
}

export async function proxy(req: NextRequest): Promise<Response> {
  const { pathname, search } = req.nextUrl;
  const isApi = API_PATHS.test(pathname) || pathname.startsWith('/health');
  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return pass(req, isApi);
  if (isApi && /^Bearer\s/i.test(req.headers.get('authorization') ?? '')) return NextResponse.next();

  // A session past its lifetime (login + SESSION_MAX_AGE_HOURS) is no session, whatever its exp.
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (readSessionClaims(token)) return pass(req, isApi);

  if (isApi) {
    return unauthorized();
  }
  const login = new URL('/login', req.nextUrl.origin);
  login.searchParams.set('callbackUrl', `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but Next's static assets and the site icon (the login page shows it too).
  matcher: ['/((?!_next/static|_next/image|favicon.ico$|icon.svg$).*)'],
};
