/**
 * The signed-in user's chosen time zone, for server-rendered pages to hand to their client
 * components; null (the browser's zone) when none is chosen or nobody is signed in.
 */
import { currentSession } from '../auth/session';
import { getServices } from '../services';

export async function userTimeZone(): Promise<string | null> {
  const session = await currentSession();
  return session?.user?.id ? ((await getServices().users.getTimeZone(session.user.id)) ?? null) : null;
}
