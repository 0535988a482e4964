/**
 * A user's current state (role, disabled) for authenticating browser sessions and sockets.
 *
 * A session is a signed JWT carrying the role it was issued with; without a look-up a disabled
 * user would stay signed in, and a demoted one keep their old role, until the cookie expires.
 * Looking the user up on every request would cost a query each, so the answer is cached for a
 * few seconds, and forgotten at once when this process changes the user: a role change or a
 * disable/enable through the users repository bumps the auth generation (lib/db/auth-changes.ts),
 * and the admin service calls `forgetUserState` for the rest (e.g. a new display name). Another
 * process (the CLI, a second instance) is seen within the TTL. Browser sessions, sockets and login
 * tokens all read their user through here.
 *
 * The console builds one cache (lib/server/start-console.ts) and keeps it in its services, so the
 * server and Next's route bundle (which loads its own copy of this module) share it: an
 * invalidation in one is seen by the other.
 */
import { LRUCache } from 'lru-cache';
import type { AuthChanges } from '../db/auth-changes';
import type { UsersRepo } from '../db/users-repo';
import type { Role } from './roles';

export interface UserState {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  /** Sessions and login tokens issued under another generation are revoked. */
  sessionGeneration: number;
}

export const USER_STATE_TTL_MS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// LRUCache cannot hold null/undefined: a missing user is cached as { state: null }.
type Entry = { state: UserState | null };

export interface UserStates {
  /** The user's current state (at most ~5 s old), or null when no such user exists. */
  get(userId: string): Promise<UserState | null>;
  /** Drops the cached state of one user (after a change), or of everyone. */
  forget(userId?: string): void;
}

/** The cache of users' states, read through `users`, emptied whenever `changes` moves. */
export function createUserStates(users: Pick<UsersRepo, 'findById'>, changes: AuthChanges): UserStates {
  const entries = new LRUCache<string, Entry>({ max: 10_000, ttl: USER_STATE_TTL_MS });
  let generation = changes.generation();
  const cache = () => {
    if (generation !== changes.generation()) {
      entries.clear();
      generation = changes.generation();
    }
    return entries;
  };
  return {
    async get(userId) {
      // A signed token only carries our own ids; the check keeps PostgreSQL's uuid parser out of it.
      if (!UUID.test(userId)) return null;
      const hit = cache().get(userId);
      if (hit) return hit.state;
      const user = await users.findById(userId);
      const state = user
        ? {
            id: user.id,
            username: user.username,
            displayName: user.displayName,
            role: user.role,
            disabled: user.disabled,
            sessionGeneration: user.sessionGeneration,
          }
        : null;
      cache().set(userId, { state });
      return state;
    },
    forget(userId) {
      if (userId === undefined) cache().clear();
      else cache().delete(userId);
    },
  };
}
