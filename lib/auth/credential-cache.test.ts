import { describe, expect, it, vi } from 'vitest';
import { createAuthChanges } from '../db/auth-changes';
import type { ApiKeyOwner } from '../db/api-keys-repo';
import { cachedKey, createCredentialCache } from './credential-cache';

const key = (id: string) => ({ id, prefix: id, username: 'u', role: 'viewer' }) as unknown as ApiKeyOwner;

describe('credential cache', () => {
  it('serves a known key from memory until its time-to-live is over', async () => {
    const cache = createCredentialCache(createAuthChanges(), 50);
    const load = vi.fn(async (hash: string) => key(hash));
    await cachedKey('h-ttl', load, cache);
    await cachedKey('h-ttl', load, cache);
    expect(load).toHaveBeenCalledTimes(1);
    await new Promise((r) => setTimeout(r, 80));
    await cachedKey('h-ttl', load, cache);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('forgets everything at once when an authorization change is made in this process', async () => {
    const changes = createAuthChanges();
    const cache = createCredentialCache(changes);
    const load = vi.fn(async (hash: string) => key(hash));
    await cachedKey('h-gen', load, cache);
    changes.bump();
    await cachedKey('h-gen', load, cache);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never caches an unknown key, so the next lookup sees a key created meanwhile', async () => {
    let known = false;
    const load = vi.fn(async (hash: string) => (known ? key(hash) : null));
    const cache = createCredentialCache(createAuthChanges());
    expect(await cachedKey('h-new', load, cache)).toBeNull();
    known = true;
    expect(await cachedKey('h-new', load, cache)).not.toBeNull();
  });
});
