import { getServerSession, type Session } from 'next-auth';
import { buildAuthOptions } from './auth-options';

/** The signed-in user in a Server Component or route handler, or null. */
export async function currentSession(): Promise<Session | null> {
  return getServerSession(buildAuthOptions());
}
