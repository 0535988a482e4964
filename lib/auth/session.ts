import { getServerSession, type Session } from 'next-auth';
import { getServices } from '../services';
import { buildAuthOptions } from './auth-options';
import type { Role } from './roles';

/** The signed-in user in a Server Component or route handler, or null. */
export async function currentSession(): Promise<Session | null> {
  return getServerSession(buildAuthOptions());
}

export interface CurrentUser {
  id: string;
  username: string;
  name: string;
  role: Role;
}

/**
 * The signed-in user as they are now (role, name), or null when there is no session or the user
 * was disabled or removed since signing in: the session cookie alone would stay valid until it
 * expires. Uses the short-lived user-state cache shared with the API.
 */
export async function currentUser(): Promise<CurrentUser | null> {
  const session = await currentSession();
  if (!session?.user?.id) return null;
  const state = await getServices().auth.userStates.get(session.user.id);
  if (!state || state.disabled) return null;
  return { id: state.id, username: state.username, name: state.displayName ?? state.username, role: state.role };
}
