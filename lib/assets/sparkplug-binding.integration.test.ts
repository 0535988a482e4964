/**
 * Sparkplug B bindings in the asset registry (issue 15), through the REST API and the real
 * console wiring, on PGlite and on PostgreSQL: an asset is bound to a group/edge/device, the
 * binding is shown, validated (400 naming the field), unique among live assets (409 naming
 * `sparkplug`, also when two registries race), re-bound and unbound live (the Sparkplug lookup
 * follows at once), freed by retiring, and read back by another instance's registry.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list, POST as create } from '@/app/api/v1/assets/route';
import { DELETE as retire, GET as one, PATCH as patch } from '@/app/api/v1/assets/[id]/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { TEST_DATABASE_URL } from '../../tests/db-targets';
import { call, sessionCookie, type CallOptions } from '../api/test-kit';
import { openApiDocument } from '../api/operations';
import { readDomainError } from '../errors/domain-error';
import { AssetRegistry } from './asset-registry';
import { seedBindings } from './start-assets';

const ENGINES = [{ name: 'pglite' }, { name: 'postgres' }] as const;
const G1 = { group: 'Ludwigshafen', edge: 'gw-1', device: 'R-101' };

async function postgresDatabase() {
  const name = `twinops_bind_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe.each(ENGINES)('Sparkplug bindings in the asset registry on $name', ({ name }) => {
  let h: Harness;
  let dropDb: (() => Promise<void>) | null = null;
  let admin: Record<string, string>;

  beforeAll(async () => {
    const env: Record<string, string> = { SIMULATOR: 'off' };
    if (name === 'postgres') {
      const db = await postgresDatabase();
      env.DATABASE_URL = db.url;
      dropDb = db.drop;
    }
    h = await startHarness(env);
    process.env.NEXTAUTH_SECRET = h.secret;
    admin = { cookie: await sessionCookie(h.handle.services, 'admin') };
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await dropDb?.();
  });

  const api = (handler: Parameters<typeof call>[1], path: string, opts: CallOptions = {}) =>
    call(h.url, handler, path, { headers: admin, ...opts });
  const fields = (res: { json: Record<string, unknown> | null }) =>
    ((res.json?.error as { fields?: { field: string }[] })?.fields ?? []).map((f) => f.field);
  const patchAsset = (id: string, body: Record<string, unknown>) =>
    api(patch, `/api/v1/assets/${id}`, { method: 'PATCH', params: { id }, body });
  const feeds = (b: { group: string; edge: string; device: string }) =>
    h.handle.services.assets.sparkplugAsset(b.group, b.edge, b.device);

  it('creates an asset bound to a device: the API shows the binding and Sparkplug ingest resolves the device to it', async () => {
    const res = await api(create, '/api/v1/assets', { body: { id: 'r-101', name: 'R-101', sparkplug: G1 } });
    expect(res.status, res.text).toBe(201);
    expect(res.json!.asset).toMatchObject({ id: 'r-101', sparkplug: G1 });
    const got = await api(one, '/api/v1/assets/r-101', { params: { id: 'r-101' } });
    expect(got.json!.asset).toMatchObject({ sparkplug: G1 });
    const listed = (await api(list, '/api/v1/assets')).json!.assets as { id: string; sparkplug: unknown }[];
    expect(listed.find((a) => a.id === 'reactor-1')!.sparkplug).toBeNull();
    expect(feeds(G1)).toBe('r-101');
    // A device named like an unbound asset still feeds it; one named like a bound asset does not.
    expect(feeds({ group: 'Ludwigshafen', edge: 'gw-9', device: 'reactor-1' })).toBe('reactor-1');
    expect(feeds({ group: 'Ludwigshafen', edge: 'gw-9', device: 'r-101' })).toBeUndefined();
  });

  it('refuses a bad binding naming the field (400) and a device bound to another asset (409 naming sparkplug)', async () => {
    const bad = await api(create, '/api/v1/assets', {
      body: { id: 'r-102', name: 'R-102', sparkplug: { group: 'Ludwigshafen', edge: 'gw/1', device: '#' } },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['sparkplug.edge', 'sparkplug.device']);
    const partial = await api(create, '/api/v1/assets', {
      body: { id: 'r-102', name: 'R-102', sparkplug: { group: 'Ludwigshafen', edge: 'gw-1' } },
    });
    expect(partial.status).toBe(400);
    expect(fields(partial)).toEqual(['sparkplug.device']);
    const taken = await api(create, '/api/v1/assets', { body: { id: 'r-102', name: 'R-102', sparkplug: G1 } });
    expect(taken.status).toBe(409);
    expect(fields(taken)).toEqual(['sparkplug']);
    expect((taken.json!.error as { message: string }).message).toContain('r-101');
    // Nothing was created by the refusals.
    expect((await api(one, '/api/v1/assets/r-102', { params: { id: 'r-102' } })).status).toBe(404);
    expect((await api(create, '/api/v1/assets', { body: { id: 'r-102', name: 'R-102' } })).status).toBe(201);
    expect((await patchAsset('r-102', { sparkplug: G1 })).status).toBe(409);
  });

  it('re-binds and unbinds live; retiring frees the device for another asset; audited', async () => {
    const moved = { ...G1, device: 'R-101b' };
    const res = await patchAsset('r-101', { sparkplug: moved });
    expect(res.status, res.text).toBe(200);
    expect(feeds(moved)).toBe('r-101');
    expect(feeds(G1)).toBeUndefined();
    // The freed device can go to another asset at once.
    expect((await patchAsset('r-102', { sparkplug: G1 })).status).toBe(200);
    expect(feeds(G1)).toBe('r-102');
    // A PATCH without `sparkplug` keeps it; null unbinds.
    expect((await patchAsset('r-102', { name: 'R-102 renamed' })).json!.asset).toMatchObject({ sparkplug: G1 });
    const unbound = await patchAsset('r-102', { sparkplug: null });
    expect(unbound.json!.asset).toMatchObject({ sparkplug: null });
    expect(feeds(G1)).toBeUndefined();
    // Retired, r-101 keeps its binding on record, but the device is free.
    expect((await api(retire, '/api/v1/assets/r-101', { method: 'DELETE', params: { id: 'r-101' } })).status).toBe(200);
    expect(feeds(moved)).toBeUndefined();
    const again = await api(create, '/api/v1/assets', { body: { id: 'r-103', name: 'R-103', sparkplug: moved } });
    expect(again.status, again.text).toBe(201);
    expect(feeds(moved)).toBe('r-103');
    const audit = await h.handle.services.audit.list({ actor: 'admin' });
    const binds = audit.filter((e) => e.target === 'asset:r-102' && e.details?.sparkplug !== undefined);
    expect(binds.map((e) => e.details!.sparkplug)).toEqual([null, 'Ludwigshafen/gw-1/R-101']);
  });

  it('another instance’s registry on the same database refuses a raced binding (409) and reads changes back', async () => {
    const { repos } = h.handle.services;
    const other = new AssetRegistry({
      repo: repos.assets,
      audit: repos.audit,
      features: () => h.handle.services.twin.catalog().signals,
    });
    await other.load();
    const device = { group: 'Ludwigshafen', edge: 'gw-2', device: 'P-7' };
    // Bound here after `other` loaded: its view is stale, the database's unique index decides.
    expect((await patchAsset('r-102', { sparkplug: device })).status).toBe(200);
    const race = await other.update('r-103', { sparkplug: device }, { username: 'ada' }).catch((e: unknown) => e);
    expect(readDomainError(race)).toMatchObject({ status: 409, fields: [{ field: 'sparkplug' }] });
    // Reading the change back (what a cluster event triggers) brings the binding and the lookup.
    const heard: string[] = [];
    other.onChange((c) => heard.push(`${c.kind}:${c.asset.id}:${c.origin}`));
    await other.reload('r-102');
    expect(other.sparkplugAsset(device.group, device.edge, device.device)).toBe('r-102');
    expect(heard).toEqual(['updated:r-102:remote']);
    // Nothing changed: nothing heard.
    await other.reloadAll();
    expect(heard).toHaveLength(1);
  });

  it('SPARKPLUG_BINDINGS seeds only live assets without a binding; the registry wins', async () => {
    const repo = h.handle.services.repos.assets;
    const seeded = await seedBindings(repo, [
      'Ludwigshafen/gw-3/R-1=reactor-1',
      // Bound in the registry already: left as it is.
      'Ludwigshafen/gw-3/X=r-102',
      // The device is another live asset's.
      'Ludwigshafen/gw-2/P-7=reactor-2',
      'Ludwigshafen/gw-3/Y=no-such-asset',
    ]);
    expect(seeded).toEqual(['reactor-1']);
    expect((await repo.get('reactor-1'))!.sparkplug).toEqual({ group: 'Ludwigshafen', edge: 'gw-3', device: 'R-1' });
    expect((await repo.get('r-102'))!.sparkplug).toEqual({ group: 'Ludwigshafen', edge: 'gw-2', device: 'P-7' });
    expect((await repo.get('reactor-2'))!.sparkplug).toBeNull();
    // A second start seeds nothing more.
    expect(await seedBindings(repo, ['Ludwigshafen/gw-3/R-1=reactor-1'])).toEqual([]);
  });

  it('documents the binding in the OpenAPI document', () => {
    const doc = JSON.stringify(openApiDocument().paths);
    expect(doc).toContain('"sparkplug"');
    expect(doc).toContain('Sparkplug device is bound to another asset');
  });
});
