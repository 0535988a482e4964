/**
 * A counter bumped by every repository change that affects who may do what (a role change, a
 * user disabled or enabled, a key revoked). Caches of credentials (lib/auth/credential-cache.ts,
 * lib/auth/user-state.ts) compare it to drop what they hold at once in this process; other
 * processes (the users CLI, a second app instance) are covered by the caches' short time-to-live,
 * or, clustered, told through `onBump` (lib/cluster/auth-sync.ts publishes every local bump).
 * The console builds one (lib/server/start-console.ts) and hands it to its repositories and caches;
 * a repository built without one (the CLI, tests) bumps a counter nobody reads.
 */
export interface AuthChanges {
  generation(): number;
  /** `notify: false` for a change learnt from another instance (telling would send it back out). */
  bump(opts?: { notify?: boolean }): void;
  /** Calls `listener` after every bump made here. Returns the unsubscribe. */
  onBump(listener: () => void): () => void;
}

/** A fresh counter at 0. */
export function createAuthChanges(): AuthChanges {
  let generation = 0;
  const listeners = new Set<() => void>();
  return {
    generation: () => generation,
    bump: (opts = {}) => {
      generation += 1;
      if (opts.notify !== false) for (const l of listeners) l();
    },
    onBump(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
