import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usersCli } from '../tests/users-cli';
import { hashApiKey } from '../lib/auth/api-keys';
import { openDatabase } from '../lib/db/client';
import { apiKeysRepo } from '../lib/db/api-keys-repo';
import { auditRepo } from '../lib/db/audit-repo';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-cli-keys-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const users = usersCli(dataDir);

describe('users CLI: API keys', () => {
  let key = '';
  let prefix = '';

  it('creates a key, prints it once with its prefix and expiry, and stores only its hash', async () => {
    expect(users(['add', 'scada', '--role', 'operator'], 'scada-password\n').code).toBe(0);
    const r = users(['key-create', 'scada', '--days', '30', '--name', 'historian']);
    expect(r.code, r.err).toBe(0);
    const m = /^(tok_([0-9a-f]{8})_[A-Za-z0-9_-]{43})$/m.exec(r.out);
    expect(m, r.out).not.toBeNull();
    key = m![1]!;
    prefix = m![2]!;
    expect(r.out).toContain(`prefix ${prefix}`);
    expect(r.out).toMatch(/shown only once/);
    const db = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    try {
      const found = await apiKeysRepo(db.db).findByHash(hashApiKey(key));
      expect(found).toMatchObject({ prefix, username: 'scada', name: 'historian', role: 'operator' });
      expect(Math.round((found!.expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(30);
      expect(JSON.stringify(await auditRepo(db.db).list({ limit: 1000 }))).not.toContain(key);
    } finally {
      await db.close();
    }
  });

  it('lists keys (all or one user’s) without the secret, and revokes by prefix', () => {
    const list = users(['key-list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${prefix}.*scada.*historian.*active`));
    expect(list.out).not.toContain(key);
    expect(users(['key-list', 'scada']).out).toContain(prefix);
    expect(users(['key-revoke', prefix])).toMatchObject({ code: 0, out: `key ${prefix} of scada is revoked\n` });
    expect(users(['key-list', 'scada']).out).toMatch(new RegExp(`${prefix}.*revoked`));
  });

  it('refuses bad arguments with exit code 2', () => {
    expect(users(['key-create', 'nobody'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no user "nobody"'),
    });
    expect(users(['key-create', 'scada', '--days', '0'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--days'),
    });
    expect(users(['key-create', 'scada', '--days', 'soon'])).toMatchObject({ code: 2 });
    expect(users(['key-revoke', 'ffffffff'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no API key with prefix'),
    });
    expect(users(['key-revoke', key])).toMatchObject({ code: 2, err: expect.stringContaining('8-character prefix') });
    expect(users(['key-list', 'nobody'])).toMatchObject({ code: 2 });
  });
});
