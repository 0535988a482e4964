import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from './audit-repo';
import type { Database } from './client';

describe.each(DB_TARGETS)('audit page (filters, keyset cursor) on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    const audit = auditRepo(database.db);
    for (let i = 0; i < 7; i++)
      await audit.record({
        actor: i % 2 ? 'ann' : 'ben',
        action: i < 4 ? 'user.create' : 'apikey.create',
        outcome: i === 6 ? 'failure' : 'success',
        target: `t${i}`,
      });
    await audit.record({ actor: 'ann', action: 'user_x', outcome: 'success' });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('pages newest first with a cursor, without overlap, and says when there is no more', async () => {
    const audit = auditRepo(database.db);
    const first = await audit.page({ limit: 3 });
    expect(first.entries.map((e) => e.target)).toEqual([null, 't6', 't5']);
    const second = await audit.page({ limit: 3, before: first.nextCursor! });
    expect(second.entries.map((e) => e.target)).toEqual(['t4', 't3', 't2']);
    const third = await audit.page({ limit: 3, before: second.nextCursor! });
    expect(third.entries.map((e) => e.target)).toEqual(['t1', 't0']);
    expect(third.nextCursor).toBeNull();
  });

  it('filters by actor, outcome and action, where `user.` is a prefix and `_` is not a wildcard', async () => {
    const audit = auditRepo(database.db);
    expect((await audit.page({ actor: 'ann' })).entries.map((e) => e.target)).toEqual([null, 't5', 't3', 't1']);
    expect((await audit.page({ outcome: 'failure' })).entries.map((e) => e.target)).toEqual(['t6']);
    expect((await audit.page({ action: 'user.' })).entries.map((e) => e.target)).toEqual(['t3', 't2', 't1', 't0']);
    expect((await audit.page({ action: 'user*' })).entries).toHaveLength(5);
    expect((await audit.page({ action: 'user_*' })).entries.map((e) => e.action)).toEqual(['user_x']);
    expect((await audit.page({ action: 'apikey.create', actor: 'ben' })).entries.map((e) => e.target)).toEqual([
      't6',
      't4',
    ]);
    expect((await audit.page({ from: new Date(Date.now() + 60_000) })).entries).toEqual([]);
  });
});
