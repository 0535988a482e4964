/**
 * A browser session for the benchmarks that talk to a throwaway console in another process
 * (bench:stream, bench:history's export). Sessions are checked against the user's current state
 * (a session for a user that does not exist is refused), so the user is created first, in the
 * console's own database, and the cookie is signed for its real id.
 */
import { encode } from 'next-auth/jwt';
import { hashPassword } from '../lib/auth/password';
import type { Role } from '../lib/auth/roles';
import type { ConsoleHandle } from '../lib/server/start-console';

/** Creates `username` (if missing) with `role` and returns a `cookie` header value for it. */
export async function benchSessionCookie(handle: ConsoleHandle, username = 'bench', role: Role = 'viewer') {
  const { users, authSecret } = handle.services;
  const user =
    (await users.findByUsername(username)) ??
    (await users.create({ username, role, passwordHash: await hashPassword(`${username}-bench-password`) }));
  const token = await encode({ token: { sub: user.id, username, role, name: username }, secret: authSecret });
  return `next-auth.session-token=${token}`;
}
