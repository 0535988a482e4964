import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from './audit-repo';
import type { Database } from './client';
import { LastAdminError, UserNotFoundError, UsernameTakenError, usersRepo } from './users-repo';

describe.each(DB_TARGETS)('users and audit repositories on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('creates a user, finds it case-insensitively, and refuses a duplicate username', async () => {
    const users = usersRepo(database.db);
    const created = await users.create({
      username: 'Alice',
      passwordHash: 'h1',
      role: 'operator',
      displayName: 'Alice A',
    });
    expect(created).toMatchObject({ username: 'alice', role: 'operator', disabled: false, displayName: 'Alice A' });
    expect((await users.findByUsername('ALICE'))?.passwordHash).toBe('h1');
    await expect(users.create({ username: 'alice', passwordHash: 'h2', role: 'viewer' })).rejects.toBeInstanceOf(
      UsernameTakenError,
    );
    expect((await users.findByUsername('alice'))?.passwordHash).toBe('h1');
  });

  it('changes role, disables and re-enables, and changes the password hash', async () => {
    const users = usersRepo(database.db);
    await users.create({ username: 'bob', passwordHash: 'old', role: 'viewer' });
    expect((await users.setRole('bob', 'operator')).role).toBe('operator');
    expect((await users.setDisabled('bob', true)).disabled).toBe(true);
    expect((await users.setDisabled('bob', false)).disabled).toBe(false);
    await users.setPasswordHash('bob', 'new');
    expect((await users.findByUsername('bob'))?.passwordHash).toBe('new');
    await expect(users.setRole('nobody', 'admin')).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('never lets the last active admin be demoted or disabled', async () => {
    const users = usersRepo(database.db);
    await users.create({ username: 'root1', passwordHash: 'x', role: 'admin' });
    await expect(users.setRole('root1', 'viewer')).rejects.toBeInstanceOf(LastAdminError);
    await expect(users.setDisabled('root1', true)).rejects.toBeInstanceOf(LastAdminError);
    await users.create({ username: 'root2', passwordHash: 'x', role: 'admin' });
    expect((await users.setRole('root1', 'operator')).role).toBe('operator');
    await expect(users.setDisabled('root2', true)).rejects.toBeInstanceOf(LastAdminError);
    expect(await users.countActiveAdmins()).toBe(1);
  });

  it('rejects an unknown role at the database level', async () => {
    const users = usersRepo(database.db);
    await expect(users.create({ username: 'eve', passwordHash: 'x', role: 'superuser' as never })).rejects.toThrow();
    expect(await users.findByUsername('eve')).toBeNull();
  });

  it('records audit events and lists them newest first with filters', async () => {
    const audit = auditRepo(database.db);
    await audit.record({
      actor: 'alice',
      action: 'auth.login',
      outcome: 'failure',
      address: '10.0.0.1',
      details: { reason: 'bad_password' },
    });
    await audit.record({ actor: 'alice', action: 'auth.login', outcome: 'success', address: '10.0.0.1' });
    await audit.record({ actor: 'bob', action: 'auth.login', outcome: 'success' });
    const alice = await audit.list({ actor: 'alice' });
    expect(alice.map((e) => e.outcome)).toEqual(['success', 'failure']);
    expect(alice[1]).toMatchObject({ address: '10.0.0.1', details: { reason: 'bad_password' } });
    expect((await audit.list({ outcome: 'success' })).length).toBe(2);
    expect((await audit.list({ from: new Date(Date.now() + 60_000) })).length).toBe(0);
  });
});
