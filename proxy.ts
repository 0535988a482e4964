/**
 * Gatekeeper for every request Next serves. Pages without a session redirect to
 * /login?callbackUrl=...; API routes answer 401 JSON instead (a redirect is useless to a machine
 * client). /login, /api/auth/* and /api/health are public.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';

const PUBLIC_PATHS = [/^\/login\/?$/, /^\/api\/auth(\/|$)/, /^\/api\/health\/?$/];

export async function proxy(req: NextRequest): Promise<NextResponse> {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return NextResponse.next();

  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();

  if (pathname.startsWith('/api/')) {
    return NextResponse.json({ error: { code: 'unauthorized', message: 'Sign in or send a valid bearer token' } }, { status: 401 });
  }
  const login = new URL('/login', req.nextUrl.origin);
  login.searchParams.set('callbackUrl', `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but Next's static assets.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
