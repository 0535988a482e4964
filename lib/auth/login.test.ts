import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRepo } from '../db/audit-repo';
import { openDatabase, type Database } from '../db/client';
import { usersRepo } from '../db/users-repo';
import { createLoginService } from './login';
import { createLoginThrottle } from './login-throttle';
import { hashPassword } from './password';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({ pgliteDir: 'memory://' });
  const users = usersRepo(database.db);
  await users.create({ username: 'olivia', passwordHash: await hashPassword('operator-pass'), role: 'operator' });
  await users.create({ username: 'gone', passwordHash: await hashPassword('gone-pass1'), role: 'viewer' });
  await users.setDisabled('gone', true);
});
afterAll(() => database.close());

function service(maxFailures = 3, lockSeconds = 60) {
  return createLoginService({
    users: usersRepo(database.db),
    audit: auditRepo(database.db),
    throttle: createLoginThrottle({ maxFailures, lockSeconds }),
  });
}

describe('login service', () => {
  it('accepts the right password, records the login and audits it with the address', async () => {
    const result = await service().authenticate({ username: 'Olivia', password: 'operator-pass' }, '10.1.2.3');
    expect(result).toMatchObject({ ok: true, user: { username: 'olivia', role: 'operator' } });
    expect((await usersRepo(database.db).findByUsername('olivia'))?.lastLoginAt).toBeInstanceOf(Date);
    const [last] = await auditRepo(database.db).list({ actor: 'olivia', action: 'auth.login' });
    expect(last).toMatchObject({ outcome: 'success', address: '10.1.2.3' });
  });

  it('gives one message for an unknown user, a wrong password and a disabled account', async () => {
    const s = service(100);
    const unknown = await s.authenticate({ username: 'nobody', password: 'whatever1' }, 'a');
    const wrong = await s.authenticate({ username: 'olivia', password: 'wrong-pass' }, 'a');
    const disabled = await s.authenticate({ username: 'gone', password: 'gone-pass1' }, 'a');
    for (const r of [unknown, wrong, disabled])
      expect(r).toEqual({ ok: false, reason: 'invalid', message: 'Invalid username or password' });
    const failures = await auditRepo(database.db).list({ outcome: 'failure' });
    expect(failures.map((f) => f.details?.reason)).toEqual(
      expect.arrayContaining(['unknown_user', 'bad_password', 'disabled']),
    );
  });

  it('locks a username after repeated failures, says how long to wait, even for the right password', async () => {
    const s = service(3, 120);
    for (let i = 0; i < 3; i++)
      expect((await s.authenticate({ username: 'olivia', password: `bad${i}` }, '10.9.9.9')).ok).toBe(false);
    const locked = await s.authenticate({ username: 'olivia', password: 'operator-pass' }, '10.9.9.9');
    expect(locked).toMatchObject({ ok: false, reason: 'throttled' });
    if (locked.ok || locked.reason !== 'throttled') throw new Error('expected throttled');
    expect(locked.retryAfterSeconds).toBeGreaterThan(100);
    expect(locked.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(locked.message).toBe(`Too many failed attempts. Try again in ${locked.retryAfterSeconds} s.`);
    const [denied] = await auditRepo(database.db).list({ outcome: 'denied' });
    expect(denied).toMatchObject({ actor: 'olivia', details: { reason: 'throttled' } });
  });

  it('locks an address that sprays many usernames', async () => {
    const s = service(2, 60);
    for (let i = 0; i < 8; i++) await s.authenticate({ username: `user${i}`, password: 'x1234567' }, '192.0.2.7');
    expect(await s.authenticate({ username: 'olivia', password: 'operator-pass' }, '192.0.2.7')).toMatchObject({
      reason: 'throttled',
    });
    expect(await s.authenticate({ username: 'olivia', password: 'operator-pass' }, '192.0.2.8')).toMatchObject({
      ok: true,
    });
  });

  it('lets the lock expire', async () => {
    const s = service(1, 1);
    await s.authenticate({ username: 'olivia', password: 'nope-nope' }, 'z');
    expect(await s.authenticate({ username: 'olivia', password: 'operator-pass' }, 'z')).toMatchObject({
      reason: 'throttled',
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await s.authenticate({ username: 'olivia', password: 'operator-pass' }, 'z')).toMatchObject({ ok: true });
  });

  it('refuses empty, huge and non-string fields with a clear message naming the field', async () => {
    const s = service(100);
    expect(await s.authenticate({ username: '', password: 'x' }, 'b')).toMatchObject({
      reason: 'bad_input',
      field: 'username',
      message: 'username is required',
    });
    expect(await s.authenticate({ username: 'olivia', password: '' }, 'b')).toMatchObject({
      reason: 'bad_input',
      field: 'password',
    });
    expect(await s.authenticate({ username: 'u'.repeat(1_000_000), password: 'x' }, 'b')).toMatchObject({
      reason: 'bad_input',
      field: 'username',
      message: 'username must be at most 64 characters',
    });
    expect(await s.authenticate({ username: 'olivia', password: 'p'.repeat(1_000_000) }, 'b')).toMatchObject({
      reason: 'bad_input',
      field: 'password',
      message: 'password must be at most 1024 characters',
    });
    expect(await s.authenticate({ username: 42, password: ['x'] }, 'b')).toMatchObject({ reason: 'bad_input' });
    expect(await s.authenticate(undefined, 'b')).toMatchObject({ reason: 'bad_input' });
  });

  it('handles text that was not valid UTF-8 (decoded to replacement characters) as an ordinary wrong login', async () => {
    const garbled = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x61]).toString('utf8');
    expect(await service(100).authenticate({ username: garbled, password: garbled }, 'c')).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });
});
