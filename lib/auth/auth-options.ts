import { randomUUID } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getServices } from '../services';
import { isRole } from './roles';
import { clientAddressFromHeaders } from './client-address';
import { safeCallbackUrl } from './callback-url';
import { readSessionClaims, sessionMaxAgeSeconds, tokenAuthTime } from './session-claims';
import { logger } from '../log';
import { sessionRefusal } from './revocation';

/** Thrown by the jwt callback for a session past its lifetime: next-auth then clears the cookie. */
const SESSION_ENDED = 'session ended';

/**
 * next-auth configuration: a Credentials provider against the users table, JWT sessions carrying
 * the user's id, username and role. The secret comes from the environment, which `server.ts`
 * fills (generated on first run when not given).
 */
export function buildAuthOptions(): NextAuthOptions {
  const maxAge = sessionMaxAgeSeconds();
  return {
    secret: process.env.NEXTAUTH_SECRET,
    // jwt.maxAge defaults to 30 days whatever session.maxAge says: the token's own `exp` must
    // follow the configured lifetime too (lib/auth/session-claims.ts has the whole policy).
    session: { strategy: 'jwt', maxAge },
    jwt: { maxAge },
    logger: {
      error(code, metadata) {
        // An ended session is routine (its cookie is cleared), not an error worth a stack trace.
        if (code === 'JWT_SESSION_ERROR' && (metadata as { message?: string })?.message === SESSION_ENDED) return;
        logger.warn({ code }, 'next-auth error');
      },
      warn(code) {
        logger.debug({ code }, 'next-auth warning');
      },
      debug() {},
    },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Password',
        credentials: {
          username: { label: 'Username', type: 'text' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(credentials, req) {
          const address = clientAddressFromHeaders(
            req?.headers as Record<string, string | string[] | undefined> | undefined,
          );
          const result = await getServices().login.authenticate(
            { username: credentials?.username, password: credentials?.password },
            address,
          );
          // next-auth hands a thrown message to the sign-in page as `error`.
          if (!result.ok) throw new Error(result.message);
          return {
            id: result.user.id,
            username: result.user.username,
            name: result.user.displayName ?? result.user.username,
            role: result.user.role,
            sessionGeneration: result.user.sessionGeneration,
          };
        },
      }),
    ],
    events: {
      // Logging out ends this session on the server too, not only the browser's cookie.
      // next-auth awaits this before answering, so the logout is stored when the browser hears of it.
      async signOut({ token }) {
        const claims = readSessionClaims(token, Date.now(), maxAge);
        if (!claims) return;
        await getServices()
          .auth.loggedOut.mark(claims.userId, claims.sid, claims.expiresAtMs)
          .catch((err: unknown) =>
            logger.error({ err }, 'logout not stored: the session stays refused only until this console restarts'),
          );
      },
    },
    callbacks: {
      // Only same-origin paths: next-auth's default would pass `/\t/evil.example` on (an open
      // redirect once a browser drops the tab) and a newline into the Location header (a 500).
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackUrl(url)}`;
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.username = user.username;
          token.role = user.role;
          token.name = user.name;
          token.authTime = Math.floor(Date.now() / 1000);
          token.gen = user.sessionGeneration ?? 0;
          token.sid = randomUUID();
          return token;
        }
        // A renewal (GET /api/auth/session, getServerSession): never past the login's lifetime,
        // and the login time carried on, so renewing cannot extend it; never a revoked session.
        const claims = readSessionClaims(token, Date.now(), maxAge);
        if (!claims) throw new Error(SESSION_ENDED);
        const { auth } = getServices();
        if (sessionRefusal(claims, await auth.userStates.get(claims.userId), auth.loggedOut))
          throw new Error(SESSION_ENDED);
        token.authTime = tokenAuthTime(token) ?? undefined;
        return token;
      },
      session({ session, token }) {
        if (token.sub && token.username && isRole(token.role)) {
          session.user = {
            id: token.sub,
            username: token.username,
            name: token.name ?? token.username,
            role: token.role,
          };
        }
        return session;
      },
    },
  };
}
