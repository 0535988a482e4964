import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import {
  checkApiKey,
  generateApiKey,
  hashApiKey,
  issueApiKey,
  looksLikeApiKey,
  type KeyCheckState,
} from '../auth/api-keys';
import { createCredentialCache } from '../auth/credential-cache';
import { createAuthChanges } from './auth-changes';
import { ApiKeyNotFoundError, apiKeysRepo } from './api-keys-repo';
import { auditRepo } from './audit-repo';
import type { Database } from './client';
import { apiKeys } from './schema';
import { usersRepo } from './users-repo';

describe('API key format', () => {
  it('is tok_<8 hex>_<43 base64url chars> (32 random bytes), hashed with SHA-256, never the same twice', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^tok_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(a.key.startsWith(`tok_${a.prefix}_`)).toBe(true);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.key).not.toBe(b.key);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(looksLikeApiKey(`${a.key}x`)).toBe(false);
    expect(looksLikeApiKey('eyJhbGciOi.x.y')).toBe(false);
  });
});

describe.each(DB_TARGETS)('API keys repository on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  let ownerId: string;
  beforeAll(async () => {
    database = await target.open();
    ownerId = (await usersRepo(database.db).create({ username: 'kim', passwordHash: 'x', role: 'operator' })).id;
  });
  afterAll(async () => {
    await database?.drop();
  });
  // One auth generation for the repositories and the key check's cache, as the console wires them.
  const changes = createAuthChanges();
  const state: KeyCheckState = { credentials: createCredentialCache(changes), touched: new Map() };
  const deps = () => ({ keys: apiKeysRepo(database.db, changes), audit: auditRepo(database.db), state });

  it('stores only the hash, finds the key by it with the owner’s current role, and audits the creation', async () => {
    const created = await issueApiKey(deps(), {
      userId: ownerId,
      username: 'kim',
      days: 30,
      name: 'scada',
      actor: 'cli',
    });
    const found = await deps().keys.findByHash(hashApiKey(created.key));
    expect(found).toMatchObject({
      prefix: created.prefix,
      username: 'kim',
      role: 'operator',
      ownerDisabled: false,
      name: 'scada',
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(found!.expiresAt.getTime()).toBe(created.expiresAt.getTime());
    expect(Math.round((created.expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(30);
    const rows = await database.db.select().from(apiKeys).where(eq(apiKeys.prefix, created.prefix));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(13));
    expect(JSON.stringify(await deps().keys.list())).not.toContain(created.key);
    const [audit] = await deps().audit.list({ action: 'apikey.create' });
    expect(audit).toMatchObject({ actor: 'cli', target: created.prefix, details: { owner: 'kim', name: 'scada' } });

    await usersRepo(database.db, changes).setRole('kim', 'viewer');
    expect((await deps().keys.findByHash(hashApiKey(created.key)))?.role).toBe('viewer');
    await usersRepo(database.db, changes).setRole('kim', 'operator');
  });

  it('checks a key: unknown, revoked, expired and disabled owner are refused; first use is audited once', async () => {
    const { key } = await issueApiKey(deps(), { userId: ownerId, username: 'kim', actor: 'cli' });
    expect(await checkApiKey(deps(), 'tok_00000000_' + 'A'.repeat(43), '10.0.0.1')).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await checkApiKey(deps(), 'not a key', '10.0.0.1')).toEqual({ ok: false, reason: 'unknown' });
    const ok = await checkApiKey(deps(), key, '10.0.0.2');
    expect(ok).toMatchObject({ ok: true, key: { username: 'kim', role: 'operator' } });
    await checkApiKey(deps(), key, '10.0.0.2');
    const prefix = key.slice(4, 12);
    const firstUses = (await deps().audit.list({ action: 'apikey.first-use' })).filter((e) => e.target === prefix);
    expect(firstUses).toHaveLength(1);
    expect(firstUses[0]).toMatchObject({ actor: 'kim', address: '10.0.0.2' });
    expect((await deps().keys.findByPrefix(prefix))?.lastUsedAt).toBeInstanceOf(Date);

    expect(await checkApiKey(deps(), key, 'a', new Date(Date.now() + 91 * 86_400_000))).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    await usersRepo(database.db, changes).setDisabled('kim', true);
    expect(await checkApiKey(deps(), key, 'a')).toMatchObject({ ok: false, reason: 'owner_disabled' });
    await usersRepo(database.db, changes).setDisabled('kim', false);
    const revoked = await deps().keys.revoke(prefix);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await deps().keys.revoke(prefix)).revokedAt!.getTime()).toBe(revoked.revokedAt!.getTime());
    expect(await checkApiKey(deps(), key, 'a')).toMatchObject({ ok: false, reason: 'revoked' });
    await expect(deps().keys.revoke('ffffffff')).rejects.toBeInstanceOf(ApiKeyNotFoundError);
  });

  it('writes last-used at most once a minute per key', async () => {
    const { prefix } = await issueApiKey(deps(), { userId: ownerId, username: 'kim', actor: 'cli' });
    const key = (await deps().keys.findByPrefix(prefix))!;
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(await deps().keys.touch(key.id, t0)).toBe('first');
    expect(await deps().keys.touch(key.id, new Date(t0.getTime() + 30_000))).toBe('skipped');
    expect((await deps().keys.findByPrefix(prefix))?.lastUsedAt?.getTime()).toBe(t0.getTime());
    expect(await deps().keys.touch(key.id, new Date(t0.getTime() + 61_000))).toBe('updated');
    expect((await deps().keys.findByPrefix(prefix))?.lastUsedAt?.getTime()).toBe(t0.getTime() + 61_000);
  });

  it('lists keys of one user or all, and removes them with their owner', async () => {
    const other = await usersRepo(database.db).create({ username: 'lee', passwordHash: 'x', role: 'viewer' });
    await issueApiKey(deps(), { userId: other.id, username: 'lee', actor: 'cli' });
    expect((await deps().keys.list(other.id)).map((k) => k.username)).toEqual(['lee']);
    expect((await deps().keys.list()).length).toBeGreaterThanOrEqual(4);
    await expect(issueApiKey(deps(), { userId: other.id, username: 'lee', days: 0, actor: 'cli' })).rejects.toThrow(
      /days/,
    );
  });
});
