/**
 * A short-lived cache of API keys by hash: the database lookup every key-authenticated request
 * makes. At thousands of requests a second it was a tenth of the request cost on the embedded
 * database. (A login token's user goes through the user-state cache, lib/auth/user-state.ts.)
 *
 * Staleness is bounded two ways: entries live `CREDENTIAL_CACHE_TTL_MS` at most (changes made by
 * another process, e.g. the users CLI, take effect within that), and any change in this process
 * that affects authorization bumps the auth generation (lib/db/auth-changes.ts), which empties the
 * cache before the next lookup. Unknown keys are not cached, so a flood of wrong keys cannot evict
 * good ones.
 */
import { LRUCache } from 'lru-cache';
import type { AuthChanges } from '../db/auth-changes';
import type { ApiKeyOwner } from '../db/api-keys-repo';

export const CREDENTIAL_CACHE_TTL_MS = 5_000;

export interface CredentialCache {
  changes: AuthChanges;
  generation: number;
  keys: LRUCache<string, ApiKeyOwner>;
}

/** A fresh cache (the console keeps one in its services; tests make their own). */
export function createCredentialCache(changes: AuthChanges, ttlMs = CREDENTIAL_CACHE_TTL_MS): CredentialCache {
  return {
    changes,
    generation: changes.generation(),
    keys: new LRUCache<string, ApiKeyOwner>({ max: 10_000, ttl: ttlMs }),
  };
}

/** The key row for `hash`, from the cache or `load` (null results are not cached). */
export async function cachedKey(
  hash: string,
  load: (hash: string) => Promise<ApiKeyOwner | null>,
  cache: CredentialCache,
): Promise<ApiKeyOwner | null> {
  if (cache.generation !== cache.changes.generation()) {
    cache.keys.clear();
    cache.generation = cache.changes.generation();
  }
  const hit = cache.keys.get(hash);
  if (hit) return hit;
  const key = await load(hash);
  if (key) cache.keys.set(hash, key);
  return key;
}
