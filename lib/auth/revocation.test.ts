/**
 * Logged-out sessions over a real database (PGlite and PostgreSQL): a logout is stored before
 * other instances are told, a logout learnt from another instance is not stored again, and a
 * logout whose write fails is still refused by this process and still told to the others (the
 * caller hears of the failure).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { createAuthChanges } from '../db/auth-changes';
import { createRepositories, type Repositories } from '../db/repositories';
import { createLoggedOutSessions } from './revocation';

describe.each(DB_TARGETS)('logged-out sessions on $name', (target) => {
  let repos: Repositories;
  let userId: string;
  let close: (() => Promise<void>) | null = null;
  beforeEach(async () => {
    const database = await target.open();
    close = database.drop;
    repos = createRepositories(database, createAuthChanges());
    userId = (await repos.users.create({ username: 'vera', passwordHash: 'x', role: 'viewer' })).id;
  });
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('stores a logout before telling the other instances, and reads it back in a new process', async () => {
    const loggedOut = createLoggedOutSessions(repos.revokedSessions);
    const storedWhenTold: string[][] = [];
    loggedOut.onMark(() => {
      void repos.revokedSessions.live().then((rows) => storedWhenTold.push(rows.map((r) => r.sid)));
    });
    const expiresAtMs = Date.now() + 3_600_000;
    await loggedOut.mark(userId, 'sid-1', expiresAtMs);
    await new Promise((r) => setTimeout(r, 50));
    expect(storedWhenTold).toEqual([['sid-1']]);
    expect(loggedOut.has(userId, 'sid-1')).toBe(true);

    const afterRestart = createLoggedOutSessions(repos.revokedSessions);
    expect(afterRestart.has(userId, 'sid-1')).toBe(false);
    expect(await afterRestart.load()).toBe(1);
    expect(afterRestart.has(userId, 'sid-1')).toBe(true);
    expect(afterRestart.has(userId, 'sid-2')).toBe(false);
  });

  it('does not store again a logout learnt from another instance', async () => {
    const loggedOut = createLoggedOutSessions(repos.revokedSessions);
    await loggedOut.mark(userId, 'remote', Date.now() + 60_000, { notify: false });
    expect(loggedOut.has(userId, 'remote')).toBe(true);
    expect(await repos.revokedSessions.live()).toEqual([]);
  });

  it('still refuses and tells the others when the write fails, and says it failed', async () => {
    const loggedOut = createLoggedOutSessions(repos.revokedSessions);
    const told: string[] = [];
    loggedOut.onMark((e) => told.push(e.sid));
    await close!(); // the database is gone: the write fails
    close = null;
    await expect(loggedOut.mark(userId, 'sid-x', Date.now() + 60_000)).rejects.toThrow();
    expect(loggedOut.has(userId, 'sid-x')).toBe(true);
    expect(told).toEqual(['sid-x']);
  });
});
