/**
 * API keys: `tok_<prefix>_<secret>`, where the prefix is 8 hex characters (shown in lists, used to
 * revoke) and the secret is 32 random bytes in base64url. The key is shown once, at creation; the
 * database keeps only its SHA-256.
 *
 * Why SHA-256 and not argon2 like passwords: a key is looked up on every API request, by its hash
 * (a unique index), so the hash must be deterministic and cheap. A slow salted hash would cost
 * ~30 ms a request and could not be looked up by index. Slow hashing protects low-entropy secrets
 * (passwords) against guessing; a 256-bit random secret cannot be guessed, so a fast hash of it is
 * as safe as argon2 would be.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditRepo } from '../db/audit-repo';
import { logger } from '../log';
import type { ApiKeyOwner, ApiKeysRepo } from '../db/api-keys-repo';
import { cachedKey, type CredentialCache } from './credential-cache';

export const API_KEY_PATTERN = /^tok_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
export const DEFAULT_KEY_DAYS = 90;
export const MAX_KEY_DAYS = 3650;

export interface NewApiKey {
  /** The full key, to show exactly once. */
  key: string;
  prefix: string;
  hash: string;
}

/** A fresh random key with its prefix and the hash to store. */
export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `tok_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** Hex SHA-256 of the full key: what the database stores and looks up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when the text has the shape of an API key (as opposed to a login token). */
export function looksLikeApiKey(text: string): boolean {
  return API_KEY_PATTERN.test(text);
}

/** Creates a key for a user and audits it; the returned `key` must be shown once and dropped. */
export async function issueApiKey(
  deps: { keys: ApiKeysRepo; audit: AuditRepo },
  input: {
    userId: string;
    username: string;
    days?: number;
    name?: string | null;
    actor: string;
    now?: Date;
    address?: string | null;
  },
): Promise<{ key: string; prefix: string; expiresAt: Date }> {
  const days = input.days ?? DEFAULT_KEY_DAYS;
  if (!(days > 0 && days <= MAX_KEY_DAYS)) throw new RangeError(`days must be between 1 and ${MAX_KEY_DAYS}`);
  const expiresAt = new Date((input.now ?? new Date()).getTime() + days * 86_400_000);
  // A 32-bit prefix can collide (rarely): draw again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const fresh = generateApiKey();
    if (
      await deps.keys.create({
        userId: input.userId,
        prefix: fresh.prefix,
        hash: fresh.hash,
        name: input.name ?? null,
        expiresAt,
      })
    ) {
      await deps.audit.record({
        actor: input.actor,
        action: 'apikey.create',
        target: fresh.prefix,
        outcome: 'success',
        address: input.address ?? null,
        details: { owner: input.username, name: input.name ?? null, expiresAt: expiresAt.toISOString() },
      });
      return { key: fresh.key, prefix: fresh.prefix, expiresAt };
    }
  }
  throw new Error('could not draw a unique API key prefix');
}

export type KeyCheck =
  | { ok: true; key: ApiKeyOwner }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'owner_disabled'; key?: ApiKeyOwner };

const TOUCH_INTERVAL_MS = 60_000;

/** What key checks remember between requests (one per console, in its services). */
export interface KeyCheckState {
  credentials: CredentialCache;
  /** When each key's last use was recorded (key id -> ms). */
  touched: Map<string, number>;
}

/**
 * Checks a presented key: known, not revoked, not expired, owner enabled. Records the last-used
 * time at most once a minute per key (remembered in memory, and guarded again in the UPDATE), and
 * audits the key's first use ever.
 */
export async function checkApiKey(
  deps: { keys: ApiKeysRepo; audit: AuditRepo; state: KeyCheckState },
  presented: string,
  address: string,
  now = new Date(),
): Promise<KeyCheck> {
  if (!looksLikeApiKey(presented)) return { ok: false, reason: 'unknown' };
  const key = await cachedKey(hashApiKey(presented), (hash) => deps.keys.findByHash(hash), deps.state.credentials);
  if (!key) return { ok: false, reason: 'unknown' };
  if (key.revokedAt) return { ok: false, reason: 'revoked', key };
  if (key.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', key };
  if (key.ownerDisabled) return { ok: false, reason: 'owner_disabled', key };
  const { touched } = deps.state;
  const last = touched.get(key.id) ?? 0;
  if (now.getTime() - last >= TOUCH_INTERVAL_MS) {
    touched.set(key.id, now.getTime());
    if (touched.size > 10_000) touched.clear();
    // Bookkeeping must not turn a valid request into an error: log and go on.
    try {
      const result = await deps.keys.touch(key.id, now, TOUCH_INTERVAL_MS);
      if (result === 'first') {
        await deps.audit.record({
          actor: key.username,
          action: 'apikey.first-use',
          target: key.prefix,
          outcome: 'success',
          address,
        });
      }
    } catch (err) {
      logger.warn({ err, key: key.prefix }, 'could not record the use of an API key');
    }
  }
  return { ok: true, key };
}
