import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getPrefs, PUT as putPrefs } from '@/app/api/v1/me/preferences/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { DB_TARGETS } from '../../tests/db-targets';
import { addUser, call, sessionCookie } from '../api/test-kit';
import type { Database } from '../db/client';
import { usersRepo } from '../db/users-repo';

describe.each(DB_TARGETS)('chart axes preferences in the users table on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('stores, replaces and clears fixed ranges; unknown users are undefined/false', async () => {
    const users = usersRepo(database.db);
    const u = await users.create({ username: 'axes-user', passwordHash: 'x', role: 'viewer' });
    expect(await users.getChartAxes(u.id)).toEqual({});
    expect(await users.setChartAxes(u.id, { temperature: { min: 340, max: 380 } })).toBe(true);
    expect(await users.getChartAxes(u.id)).toEqual({ temperature: { min: 340, max: 380 } });
    await users.setChartAxes(u.id, { prediction: { min: 60, max: 100 } });
    expect(await users.getChartAxes(u.id)).toEqual({ prediction: { min: 60, max: 100 } });
    await users.setChartAxes(u.id, {});
    expect(await users.getChartAxes(u.id)).toEqual({});
    expect(await users.getChartAxes('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await users.setChartAxes('nope', {})).toBe(false);
  });
});

describe.each(DB_TARGETS)('display theme in the users table on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('stores a theme per user (null until chosen); the table refuses an unknown one', async () => {
    const users = usersRepo(database.db);
    const u = await users.create({ username: 'theme-user', passwordHash: 'x', role: 'viewer' });
    expect(await users.getTheme(u.id)).toBeNull();
    expect(await users.setTheme(u.id, 'hmi')).toBe(true);
    expect(await users.getTheme(u.id)).toBe('hmi');
    expect(await users.setTheme(u.id, 'light')).toBe(true);
    expect(await users.getTheme(u.id)).toBe('light');
    await expect(users.setTheme(u.id, 'neon' as 'dark')).rejects.toThrow();
    expect(await users.getTheme(u.id)).toBe('light');
    expect(await users.getTheme('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await users.setTheme('nope', 'dark')).toBe(false);
  });
});

describe('PUT /api/v1/me/preferences with yAxes', () => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await startHarness({ SIMULATOR: 'off' });
    process.env.NEXTAUTH_SECRET = h.secret;
    await addUser(h.handle.services, 'yuri', 'viewer');
    cookie = await sessionCookie(h.handle.services, 'yuri');
  }, 60_000);
  afterAll(() => h?.stop());

  const url = '/api/v1/me/preferences';
  const put = (body: unknown) => call(h.url, putPrefs, url, { method: 'PUT', body, headers: { cookie } });
  const get = async () => (await call(h.url, getPrefs, url, { headers: { cookie } })).json;
  const fields = (res: { json: Record<string, unknown> | null }) =>
    ((res.json?.error as { fields?: { field: string }[] })?.fields ?? []).map((f) => f.field);

  it('keeps a fixed range per signal, per user, beside the time zone; min must be below max', async () => {
    const saved = await put({ yAxes: { temperature: { min: 340, max: 380 }, prediction: { min: 70, max: 95 } } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json).toEqual({
      timeZone: null,
      yAxes: { temperature: { min: 340, max: 380 }, prediction: { min: 70, max: 95 } },
      theme: 'dark',
    });
    // Setting the zone leaves the axes as they are, and the other way round.
    expect((await put({ timeZone: 'Asia/Tokyo' })).status).toBe(200);
    expect(await get()).toMatchObject({ timeZone: 'Asia/Tokyo', yAxes: { temperature: { min: 340, max: 380 } } });
    expect((await put({ yAxes: { temperature: { min: 340, max: 380 } } })).status).toBe(200);
    expect(await get()).toEqual({
      timeZone: 'Asia/Tokyo',
      yAxes: { temperature: { min: 340, max: 380 } },
      theme: 'dark',
    });

    for (const [axes, field] of [
      [{ temperature: { min: 380, max: 340 } }, 'yAxes.temperature.max'],
      [{ temperature: { min: 5, max: 5 } }, 'yAxes.temperature.max'],
      [{ temperature: { min: 'low', max: 5 } }, 'yAxes.temperature.min'],
      [{ temperature: { min: 1, max: 5, step: 1 } }, 'yAxes.temperature.step'],
    ] as const) {
      const bad = await put({ yAxes: axes });
      expect(bad.status, JSON.stringify(axes)).toBe(400);
      expect(fields(bad), JSON.stringify(axes)).toEqual([field]);
    }
    // Refused changes changed nothing.
    expect(await get()).toEqual({
      timeZone: 'Asia/Tokyo',
      yAxes: { temperature: { min: 340, max: 380 } },
      theme: 'dark',
    });
    expect((await put({ yAxes: {} })).json).toEqual({ timeZone: 'Asia/Tokyo', yAxes: {}, theme: 'dark' });
  });

  it('keeps the display theme per user beside the other preferences; an unknown theme is a 400 naming theme', async () => {
    const saved = await put({ theme: 'hmi' });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json).toMatchObject({ theme: 'hmi', timeZone: 'Asia/Tokyo' });
    expect(await get()).toMatchObject({ theme: 'hmi' });
    const bad = await put({ theme: 'neon' });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['theme']);
    expect(await get()).toMatchObject({ theme: 'hmi' });
    // Another user still has the default.
    await addUser(h.handle.services, 'tess', 'viewer');
    const other = await call(h.url, getPrefs, url, {
      headers: { cookie: await sessionCookie(h.handle.services, 'tess') },
    });
    expect(other.json).toMatchObject({ theme: 'dark' });
    expect((await put({ theme: 'dark' })).json).toMatchObject({ theme: 'dark' });
  });
});
