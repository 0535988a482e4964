/**
 * What authentication remembers between requests, in one object the console builds once and keeps
 * in its services: the user-state and API-key caches, the auth generation that empties them, the
 * logged-out sessions and the API's rate limiters. One object, so that the custom server (sockets,
 * the machine fast path) and Next's route handlers, which load their own copies of these modules,
 * see the same state.
 */
import type { AuthChanges } from '../db/auth-changes';
import type { RevokedSessionsRepo } from '../db/revoked-sessions-repo';
import type { UsersRepo } from '../db/users-repo';
import type { KeyCheckState } from './api-keys';
import { createApiRateLimits, type ApiRateLimitConfig, type ApiRateLimits } from './api-rate-limit';
import { createCredentialCache } from './credential-cache';
import { createLoggedOutSessions, type LoggedOutSessions } from './revocation';
import { createUserStates, type UserStates } from './user-state';
import type { RedisConnection } from '../cluster/redis';

export interface AuthState {
  /** Bumped by the repositories on every change of who may do what. */
  changes: AuthChanges;
  userStates: UserStates;
  keys: KeyCheckState;
  loggedOut: LoggedOutSessions;
  rateLimits: ApiRateLimits;
}

/** Fresh state for one console; `users` must be the repository built with the same `changes`. */
export function createAuthState(deps: {
  users: Pick<UsersRepo, 'findById'>;
  changes: AuthChanges;
  /** Where logouts are stored so that they outlive a restart (`loggedOut.load()` reads them back). */
  revokedSessions: RevokedSessionsRepo;
  config: ApiRateLimitConfig;
  /** Clustered: the API's rate limits count in Redis (lib/cluster/shared-limiters.ts). */
  limitsStore?: RedisConnection | null;
}): AuthState {
  return {
    changes: deps.changes,
    userStates: createUserStates(deps.users, deps.changes),
    keys: { credentials: createCredentialCache(deps.changes), touched: new Map() },
    loggedOut: createLoggedOutSessions(deps.revokedSessions),
    rateLimits: createApiRateLimits(deps.config, deps.limitsStore ?? null),
  };
}
