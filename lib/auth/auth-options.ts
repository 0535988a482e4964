import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getServices } from '../services';
import { isRole } from './roles';
import { clientAddressFromHeaders } from './client-address';
import { safeCallbackUrl } from './callback-url';

/**
 * next-auth configuration: a Credentials provider against the users table, JWT sessions carrying
 * the user's id, username and role. The secret comes from the environment, which `server.ts`
 * fills (generated on first run when not given).
 */
export function buildAuthOptions(): NextAuthOptions {
  const maxAgeHours = Number(process.env.SESSION_MAX_AGE_HOURS ?? 8);
  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: Math.round(maxAgeHours * 3600) },
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
          };
        },
      }),
    ],
    callbacks: {
      // Only same-origin paths: next-auth's default would pass `/\t/evil.example` on (an open
      // redirect once a browser drops the tab) and a newline into the Location header (a 500).
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackUrl(url)}`;
      },
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.username = user.username;
          token.role = user.role;
          token.name = user.name;
        }
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
