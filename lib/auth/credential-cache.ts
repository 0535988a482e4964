/**
 * Short-lived caches for the two database lookups every bearer-authenticated request makes: an API
 * key by its hash, and a login token's user by id. At thousands of requests a second these lookups
 * were a tenth of the request cost on the embedded database.
 *
 * Staleness is bounded two ways: entries live `TTL_MS` at most (changes made by another process,
 * e.g. the users CLI, take effect within that), and any change in this process that affects
 * authorization bumps `authGeneration()` (lib/db/auth-changes.ts), which empties the caches before
 * the next lookup. Unknown keys are not cached, so a flood of wrong keys cannot evict good ones.
 */
import { LRUCache } from 'lru-cache';
import { authGeneration } from '../db/auth-changes';
import type { ApiKeyOwner } from '../db/api-keys-repo';
import type { User } from '../db/users-repo';

export const CREDENTIAL_CACHE_TTL_MS = 5_000;

export interface CredentialCache {
  generation: number;
  keys: LRUCache<string, ApiKeyOwner>;
  users: LRUCache<string, User>;
}

/** A fresh pair of caches (the process shares one, see `shared()`; tests make their own). */
export function createCredentialCache(ttlMs = CREDENTIAL_CACHE_TTL_MS): CredentialCache {
  return {
    generation: authGeneration(),
    keys: new LRUCache<string, ApiKeyOwner>({ max: 10_000, ttl: ttlMs }),
    users: new LRUCache<string, User>({ max: 10_000, ttl: ttlMs }),
  };
}

const KEY = Symbol.for('twinops.credentialCache');
type Holder = { [KEY]?: CredentialCache };

function fresh(c: CredentialCache): CredentialCache {
  if (c.generation !== authGeneration()) {
    c.keys.clear();
    c.users.clear();
    c.generation = authGeneration();
  }
  return c;
}

const shared = () => ((globalThis as Holder)[KEY] ??= createCredentialCache());

/** The key row for `hash`, from the cache or `load` (null results are not cached). */
export async function cachedKey(hash: string, load: (hash: string) => Promise<ApiKeyOwner | null>, cache = shared()): Promise<ApiKeyOwner | null> {
  const c = fresh(cache);
  const hit = c.keys.get(hash);
  if (hit) return hit;
  const key = await load(hash);
  if (key) c.keys.set(hash, key);
  return key;
}

/** The user `id`, from the cache or `load` (null results are not cached). */
export async function cachedUser(id: string, load: (id: string) => Promise<User | null>, cache = shared()): Promise<User | null> {
  const c = fresh(cache);
  const hit = c.users.get(id);
  if (hit) return hit;
  const user = await load(id);
  if (user) c.users.set(id, user);
  return user;
}
