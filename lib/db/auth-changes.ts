/**
 * A counter bumped by every repository change that affects who may do what (a role change, a
 * user disabled or enabled, a key revoked). Caches of credentials (lib/auth/credential-cache.ts)
 * compare it to drop what they hold at once in this process; other processes (the users CLI, a
 * second app instance) are covered by the caches' short time-to-live.
 */
const KEY = Symbol.for('twinops.authGeneration');
type Holder = { [KEY]?: number };

export function authGeneration(): number {
  return (globalThis as Holder)[KEY] ?? 0;
}

export function bumpAuthGeneration(): void {
  (globalThis as Holder)[KEY] = authGeneration() + 1;
}
