import { mkdirSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseOpenError, openDatabase } from './client';
import { acquireDataDirLock } from './lock';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'twinops-db-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates a file-backed embedded database, migrates it, and reopens it with the data intact', async () => {
    const dir = path.join(tmp, 'pglite');
    const first = await openDatabase({ pgliteDir: dir });
    await first.db.execute("insert into users (username, password_hash) values ('kept', 'h')");
    await first.close();
    expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    const again = await openDatabase({ pgliteDir: dir });
    const rows = await again.db.execute('select username from users');
    expect(JSON.stringify(rows)).toContain('kept');
    await again.close();
  });

  it('reports a damaged data directory instead of silently re-creating it', async () => {
    const dir = path.join(tmp, 'damaged');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'garbage'), 'not a database');
    await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(/damaged or not a database/);
  });

  it('names host and database but never the password when PostgreSQL is unreachable', async () => {
    const err = await openDatabase({ url: 'postgres://ops:s3cr3t-pw@127.0.0.1:1/plantdb' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseOpenError);
    expect((err as Error).message).toContain('127.0.0.1:1/plantdb');
    expect((err as Error).message).not.toContain('s3cr3t-pw');
  });
});

describe('data directory lock', () => {
  it('refuses a second holder while the first is alive, and frees on release', () => {
    const dir = path.join(tmp, 'lock');
    const release = acquireDataDirLock(dir, 'console');
    // Same pid counts as stale for itself; simulate another live process by writing pid 1.
    release();
    writeFileSync(path.join(dir, 'twinops.lock'), JSON.stringify({ pid: 1, purpose: 'console' }));
    expect(() => acquireDataDirLock(dir, 'users CLI')).toThrow(/in use by process 1 \(console\)/);
    rmSync(path.join(dir, 'twinops.lock'));
    const again = acquireDataDirLock(dir, 'users CLI');
    again();
  });

  it('takes over a lock left by a dead process', () => {
    const dir = path.join(tmp, 'stale');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'twinops.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, purpose: 'console' }));
    const release = acquireDataDirLock(dir, 'console');
    release();
  });
});

describe('embedded database memory', () => {
  it('runs with a small shared_buffers (the console default) and refuses a malformed one', async () => {
    const db = await openDatabase({ pgliteDir: 'memory://', pgliteSharedBuffers: '16MB' });
    const rows = await db.db.execute('show shared_buffers');
    expect(JSON.stringify(rows)).toContain('16MB');
    await db.close();
    await expect(openDatabase({ pgliteDir: 'memory://', pgliteSharedBuffers: '16 mb; drop' })).rejects.toThrow(
      /invalid shared_buffers/,
    );
  });
});
