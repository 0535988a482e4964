import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usersCli } from '../tests/users-cli';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const users = usersCli(dataDir);

describe('users CLI (embedded database)', () => {
  it('adds a user with the password from stdin, lists it, changes role, disables it', () => {
    expect(users(['add', 'Olivia', '--role', 'operator', '--name', 'Olivia O'], 'operator-pass\n')).toMatchObject({
      code: 0,
      out: 'created olivia (operator)\n',
    });
    expect(users(['set-role', 'olivia', 'admin']).out).toBe('olivia is now admin\n');
    expect(users(['add', 'victor'], 'viewer-pass\n').out).toBe('created victor (viewer)\n');
    expect(users(['disable', 'victor']).out).toBe('victor is disabled\n');
    const list = users(['list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/olivia.*Olivia O.*admin.*active/);
    expect(list.out).toMatch(/victor.*viewer.*disabled/);
  });

  it('refuses a short password, a duplicate, an unknown role and an unknown user with exit code 2', () => {
    expect(users(['add', 'shorty'], 'short\n')).toMatchObject({
      code: 2,
      err: expect.stringContaining('password must be at least 8 characters'),
    });
    expect(users(['add', 'olivia'], 'another-pass\n')).toMatchObject({
      code: 2,
      err: expect.stringContaining('already taken'),
    });
    expect(users(['set-role', 'olivia', 'root'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('set-role needs a role'),
    });
    expect(users(['disable', 'nobody'])).toMatchObject({ code: 2, err: expect.stringContaining('no user "nobody"') });
    expect(users(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command') });
  });

  it('never takes the password from the command line', () => {
    const r = users(['add', 'mallory', '--password', 'in-argv-pass']);
    expect(r.code).not.toBe(0);
    expect(users(['list']).out).not.toContain('mallory');
  });

  it('refuses to demote the last active admin', () => {
    expect(users(['set-role', 'olivia', 'viewer'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('last active admin'),
    });
  });

  it('resets a password', () => {
    expect(users(['reset-password', 'victor'], 'new-viewer-pass\n')).toMatchObject({
      code: 0,
      out: 'password of victor changed\n',
    });
  });
});
