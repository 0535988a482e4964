import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from '../db/audit-repo';
import { annotationsRepo } from '../db/annotations-repo';
import type { Database } from '../db/client';
import { usersRepo } from '../db/users-repo';
import { createAnnotationService, type AnnotationActor, type AnnotationService } from './annotation-service';
import { createAnnotationSchema } from './schemas';
import type { Annotation } from './types';

const T0 = Date.UTC(2026, 11, 4, 8, 0, 0);
const MIN = 60_000;

describe.each(DB_TARGETS)('annotations (repository, permissions, audit) on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  let service: AnnotationService;
  const heard: { kind: string; id: string }[] = [];
  const actors: Record<'olivia' | 'oscar' | 'ada' | 'vera', AnnotationActor> = {} as never;

  beforeAll(async () => {
    database = await target.open();
    const users = usersRepo(database.db);
    for (const [username, role] of [
      ['olivia', 'operator'],
      ['oscar', 'operator'],
      ['ada', 'admin'],
      ['vera', 'viewer'],
    ] as const) {
      const u = await users.create({ username, passwordHash: 'x', role });
      actors[username] = { userId: u.id, username, role, address: '198.51.100.7' };
    }
    service = createAnnotationService({
      repo: annotationsRepo(database.db),
      audit: auditRepo(database.db),
      knownAsset: (id) => id === 'reactor-1' || id === 'reactor-2',
      broadcast: {
        created: (a) => heard.push({ kind: 'created', id: a.id }),
        updated: (a) => heard.push({ kind: 'updated', id: a.id }),
        deleted: (a) => heard.push({ kind: 'deleted', id: a.id }),
      },
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const make = (body: Record<string, unknown>, who: AnnotationActor = actors.olivia) =>
    service.create(createAnnotationSchema.parse(body), who);
  const audited = async (action: string) =>
    (await auditRepo(database.db).list({ action })).map((e) => ({
      actor: e.actor,
      target: e.target,
      outcome: e.outcome,
      address: e.address,
    }));

  it('stores points and ranges, lists an asset’s with the plant-wide ones, overlapping the window, oldest first', async () => {
    const point = await make({ assetId: 'reactor-1', start: T0 + 10 * MIN, note: '  catalyst change  ' });
    const range = await make({ assetId: 'reactor-1', start: T0, end: T0 + 5 * MIN, note: 'feed trip' });
    const plant = await make({ assetId: null, start: new Date(T0 + 20 * MIN).toISOString(), note: 'grid dip' });
    await make({ assetId: 'reactor-2', start: T0 + 10 * MIN, note: 'other reactor' });
    expect(point).toMatchObject({ start: T0 + 10 * MIN, end: null, note: 'catalyst change', authorUsername: 'olivia' });
    expect(plant.start).toBe(T0 + 20 * MIN);

    const all = await service.list({ assetId: 'reactor-1' });
    expect(all.map((a) => a.note)).toEqual(['feed trip', 'catalyst change', 'grid dip']);
    // A range overlapping the window's start is in; a point outside it is not.
    const window = await service.list({ assetId: 'reactor-1', from: T0 + 4 * MIN, to: T0 + 11 * MIN });
    expect(window.map((a) => a.id)).toEqual([range.id, point.id]);
    expect((await service.list({ from: T0 + 6 * MIN, to: T0 + 9 * MIN })).length).toBe(0);
    expect(heard.filter((h) => h.kind === 'created')).toHaveLength(4);
    expect(await audited('annotation.create')).toContainEqual({
      actor: 'olivia',
      target: `annotation:${point.id}`,
      outcome: 'success',
      address: '198.51.100.7',
    });
  });

  it('refuses an unknown asset naming assetId; the schema names end, note and start', async () => {
    await expect(make({ assetId: 'reactor-9', start: T0, note: 'x' })).rejects.toMatchObject({
      status: 400,
      fields: [{ field: 'assetId', message: 'unknown asset "reactor-9"' }],
    });
    const field = (body: Record<string, unknown>) =>
      createAnnotationSchema.safeParse(body).error?.issues.map((i) => i.path.join('.'));
    expect(field({ start: T0, end: T0 - 1, note: 'x' })).toEqual(['end']);
    expect(field({ start: T0, end: T0 + 367 * 86_400_000, note: 'x' })).toEqual(['end']);
    expect(field({ start: T0, note: '   ' })).toEqual(['note']);
    expect(field({ start: T0, note: 'x'.repeat(501) })).toEqual(['note']);
    expect(field({ start: 'yesterday', note: 'x' })).toEqual(['start']);
    expect(field({ start: T0, note: 'x', author: 'me' })).toEqual(['']);
  });

  it('only the author edits; the merged range is checked; refusals are audited as denied', async () => {
    const a = await make({ assetId: 'reactor-1', start: T0 + 30 * MIN, note: 'sample taken' });
    await expect(service.update(a.id, { note: 'hijacked' }, actors.oscar)).rejects.toMatchObject({ status: 403 });
    await expect(service.update(a.id, { note: 'admin edit' }, actors.ada)).rejects.toMatchObject({ status: 403 });
    await expect(service.update(a.id, { end: T0 }, actors.olivia)).rejects.toMatchObject({
      status: 400,
      fields: [{ field: 'end', message: 'end must not be before start' }],
    });
    const edited = await service.update(a.id, { note: 'sample taken (lab 2)', end: T0 + 32 * MIN }, actors.olivia);
    expect(edited).toMatchObject({ note: 'sample taken (lab 2)', start: T0 + 30 * MIN, end: T0 + 32 * MIN });
    expect(edited.updatedAt).toBeGreaterThanOrEqual(a.updatedAt);
    expect((await service.list({ assetId: 'reactor-1' })).find((x) => x.id === a.id)?.note).toBe(
      'sample taken (lab 2)',
    );
    expect(heard).toContainEqual({ kind: 'updated', id: a.id });
    const updates = await audited('annotation.update');
    expect(
      updates
        .filter((u) => u.outcome === 'denied')
        .map((u) => u.actor)
        .sort(),
    ).toEqual(['ada', 'oscar']);
    expect(updates.filter((u) => u.outcome === 'success')).toEqual([
      { actor: 'olivia', target: `annotation:${a.id}`, outcome: 'success', address: '198.51.100.7' },
    ]);
    const [entry] = await auditRepo(database.db).list({ action: 'annotation.update', outcome: 'success' });
    expect(entry?.details).toMatchObject({ before: { note: 'sample taken' }, after: { note: 'sample taken (lab 2)' } });
  });

  it('the author or an admin deletes; another operator cannot; unknown ids are 404', async () => {
    const mine = await make({ assetId: 'reactor-2', start: T0, note: 'mine' }, actors.oscar);
    const other = await make({ assetId: 'reactor-2', start: T0, note: 'theirs' }, actors.oscar);
    await expect(service.delete(mine.id, actors.olivia)).rejects.toMatchObject({ status: 403 });
    await service.delete(mine.id, actors.oscar);
    await service.delete(other.id, actors.ada);
    const left = (await service.list({ assetId: 'reactor-2' })).map((a: Annotation) => a.id);
    expect(left).not.toContain(mine.id);
    expect(left).not.toContain(other.id);
    await expect(service.delete(mine.id, actors.oscar)).rejects.toMatchObject({ status: 404 });
    await expect(service.update('not-a-uuid', { note: 'x' }, actors.oscar)).rejects.toMatchObject({ status: 404 });
    const deletes = await audited('annotation.delete');
    expect(deletes.map((d) => `${d.actor}:${d.outcome}`).sort()).toEqual([
      'ada:success',
      'olivia:denied',
      'oscar:success',
    ]);
    expect(heard.filter((h) => h.kind === 'deleted').map((h) => h.id)).toEqual([mine.id, other.id]);
  });

  it('keeps the note when its author’s account is deleted', async () => {
    const users = usersRepo(database.db);
    const temp = await users.create({ username: 'tmp-op', passwordHash: 'x', role: 'operator' });
    const a = await make(
      { assetId: null, start: T0, note: 'left behind' },
      { userId: temp.id, username: 'tmp-op', role: 'operator' },
    );
    await database.db.execute(sql`delete from users where id = ${temp.id}`);
    const found = (await service.list({})).find((x) => x.id === a.id);
    expect(found).toMatchObject({ authorId: null, authorUsername: 'tmp-op', note: 'left behind' });
  });
});
