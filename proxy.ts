/**
 * Gatekeeper for every request Next serves. Pages without a session redirect to
 * /login?callbackUrl=...; API routes answer 401 JSON instead (a redirect is useless to a machine
 * client). /login, /api/auth/*, /api/v1/auth/login, /api/health and /health are public.
 *
 * An API request with an `Authorization: Bearer` header is passed on unchecked: the route helper
 * (lib/api/route.ts) authenticates it, since an API key needs a database lookup and the proxy
 * must stay free of the database. Pages always need a session.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { unauthorized } from './lib/api/errors';

const PUBLIC_PATHS = [
  /^\/login\/?$/,
  /^\/api\/auth(\/|$)/,
  /^\/api\/health\/?$/,
  /^\/health\/?$/,
  /^\/api\/v1\/auth\/login\/?$/,
];
/** Machine endpoints: JSON answers, bearer tokens (`/model/info`, `/predict`, `/metrics`: the reference service's paths). */
const API_PATHS = /^\/(api\/|(model\/info|predict|metrics)\/?$)/;

export async function proxy(req: NextRequest): Promise<Response> {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return NextResponse.next();
  const isApi = API_PATHS.test(pathname);
  if (isApi && /^Bearer\s/i.test(req.headers.get('authorization') ?? '')) return NextResponse.next();

  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();

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
