import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { settingsRepo, type SettingsRepo } from './settings-repo';

describe.each(DB_TARGETS)('settings repo on $name', (target) => {
  let db: Awaited<ReturnType<typeof target.open>>;
  let repo: SettingsRepo;
  beforeAll(async () => {
    db = await target.open();
    repo = settingsRepo(db.db);
  });
  afterAll(() => db?.drop());

  it('stores, replaces and deletes a JSON value by key, with who changed it', async () => {
    expect(await repo.get('model.active')).toBeNull();
    await repo.set('model.active', { name: 'reactor-yield', version: '1.0.0' }, 'admin');
    expect(await repo.get('model.active')).toMatchObject({
      value: { name: 'reactor-yield', version: '1.0.0' },
      updatedBy: 'admin',
    });
    await repo.set('model.active', { name: 'reactor-yield', version: '1.1.0' }, 'olga');
    const row = await repo.get('model.active');
    expect(row).toMatchObject({ value: { version: '1.1.0' }, updatedBy: 'olga' });
    expect(row!.updatedAt).toBeInstanceOf(Date);
    await repo.delete('model.active');
    expect(await repo.get('model.active')).toBeNull();
  });
});
