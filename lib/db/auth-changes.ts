/**
 * A counter bumped by every repository change that affects who may do what (a role change, a
 * user disabled or enabled, a key revoked). Caches of credentials (lib/auth/credential-cache.ts)
 * compare it to drop what they hold at once in this process. Other instances hear of it through
 * the listeners (lib/cluster/auth-sync.ts publishes it over Redis); without Redis, other processes
 * (the users CLI, a second instance) are covered by the caches' short time-to-live.
 *
 * Counter and listeners live on `globalThis`: Next bundles route handlers apart from the server.
 */
const KEY = Symbol.for('twinops.authGeneration');
const LISTENERS = Symbol.for('twinops.authGenerationListeners');
type Holder = { [KEY]?: number; [LISTENERS]?: Set<() => void> };

const listeners = () => ((globalThis as Holder)[LISTENERS] ??= new Set());

export function authGeneration(): number {
  return (globalThis as Holder)[KEY] ?? 0;
}

/**
 * Bumps the counter. `notify: false` is for a change learnt from another instance (telling the
 * listeners would send it back out).
 */
export function bumpAuthGeneration(opts: { notify?: boolean } = {}): void {
  (globalThis as Holder)[KEY] = authGeneration() + 1;
  if (opts.notify === false) return;
  for (const l of listeners()) l();
}

/** Calls `listener` after every local bump. Returns the unsubscribe. */
export function onAuthGenerationBump(listener: () => void): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}
