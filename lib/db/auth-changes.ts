/**
 * A counter bumped by every repository change that affects who may do what (a role change, a
 * user disabled or enabled, a key revoked). Caches of credentials (lib/auth/credential-cache.ts,
 * lib/auth/user-state.ts) compare it to drop what they hold at once in this process; other
 * processes (the users CLI, a second app instance) are covered by the caches' short time-to-live.
 * The console builds one (lib/server/start-console.ts) and hands it to its repositories and caches;
 * a repository built without one (the CLI, tests) bumps a counter nobody reads.
 */
export interface AuthChanges {
  generation(): number;
  bump(): void;
}

/** A fresh counter at 0. */
export function createAuthChanges(): AuthChanges {
  let generation = 0;
  return {
    generation: () => generation,
    bump: () => {
      generation += 1;
    },
  };
}
