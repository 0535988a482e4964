import type { Role } from '@/lib/auth/roles';

declare module 'next-auth' {
  interface Session {
    user: { id: string; username: string; name: string; role: Role };
  }
  interface User {
    id: string;
    username: string;
    role: Role;
    sessionGeneration?: number;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    username?: string;
    role?: Role;
    /** Login time (s since the epoch), kept across renewals: see lib/auth/session-claims.ts. */
    authTime?: number;
    /** The user's session generation at login (server-side revocation). */
    gen?: number;
    /** One login's id, kept across renewals. */
    sid?: string;
    /** 'api' marks a bearer login token. */
    typ?: string;
    iat?: number;
    exp?: number;
  }
}
