/**
 * Three console instances (separate processes, each with a data directory and so an
 * UPLOADED_MODELS_DIR of its own, nothing shared on disk) on one PostgreSQL database and the
 * machine's Redis (issue 16): a model package uploaded through one instance is served by every
 * instance, and the drift figures an admin sees add up the readings of every instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../tests/model-packages';
import {
  createTestDatabase,
  MACHINE_REDIS_URL,
  startInstance,
  testRedisPrefix,
  waitFor,
  type Instance,
} from '../../tests/shared-cluster-harness';
import type { DriftReport } from '../serving/drift';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let instances: Instance[] = [];
const packages = mkdtempSync(path.join(os.tmpdir(), 'twinops-packages-'));

beforeAll(async () => {
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: MACHINE_REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(),
    ASSET_COUNT: '3',
    API_RATE_LIMIT_PER_MINUTE: '100000',
  };
  // One after the other: the first migrates the new database and creates the admin.
  for (const name of ['a', 'b', 'c']) instances.push(await startInstance(name, env));
}, 180_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  instances = [];
  await database?.drop();
  rmSync(packages, { recursive: true, force: true });
});

const byName = (name: string) => instances.find((i) => i.name === name)!;
type Active = { name: string; version: string } | null;

describe('model packages and drift across instances', () => {
  it('a package uploaded on A and activated on B is served by every instance within 1 s', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(byName) as [Instance, Instance, Instance];
    await a.run('upload', { dir: writePackage(packages, '3.0.0') });
    // B and C have never seen the package: B fetches it from the database to activate it.
    await b.run('activate', { name: 'reactor-yield', version: '3.0.0' });
    const served = await waitFor(
      async () => {
        const all = await Promise.all([a, b, c].map((i) => i.run<Active>('active')));
        return all.every((x) => x?.version === '3.0.0') ? true : undefined;
      },
      5_000,
      'every instance to serve 3.0.0',
    );
    expect(served.ms).toBeLessThan(1_000);
    console.info(`uploaded on A, activated on B: served by A and C after ${Math.round(served.ms)} ms`);

    // A package whose stored bytes no longer match their hash is used nowhere.
    await a.run('upload', { dir: writePackage(packages, '3.0.1') });
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(
      `update model_packages set model = overlay(model placing '\\x00ff'::bytea from 200) where version = '3.0.1'`,
    );
    await db.end();
    await expect(c.run('activate', { name: 'reactor-yield', version: '3.0.1' })).rejects.toThrow(/no model package/);
    expect(await c.run<Active>('active')).toEqual({ name: 'reactor-yield', version: '3.0.0' });
  });

  it('drift figures add up the readings of the assets every instance owns', async () => {
    type Health = { instance: { ownedAssets: string[] } };
    const { value: owners } = await waitFor(
      async () => {
        const owned = await Promise.all(
          instances.map(
            async (i) => ((await (await fetch(`${i.url}/api/health`)).json()) as Health).instance.ownedAssets,
          ),
        );
        return owned.every((o) => o.length === 1) ? owned.map((o) => o[0]!) : undefined;
      },
      30_000,
      'one asset owned by each instance',
    );
    const { key } = await byName('a').run<{ key: string }>('user', { username: 'gateway', role: 'operator' });
    // 60 readings per asset, each asset around its own temperature: 340, 350, 360 °C.
    const t0 = Date.now() - 60_000;
    await Promise.all(
      owners.map(async (assetId, k) => {
        const readings = Array.from({ length: 60 }, (_, i) => ({
          ts: t0 + i * 500,
          values: { temperature: 340 + 10 * k + (i % 2 ? 1 : -1), pressure: 6, flow: 100 },
        }));
        // Through another instance than the owner: stored pending there, scored by the owner.
        const res = await fetch(`${instances[(k + 1) % 3]!.url}/api/v1/assets/${assetId}/telemetry`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(readings),
        });
        expect(res.status).toBe(201);
      }),
    );
    const { value: reports } = await waitFor(
      async () => {
        const all = await Promise.all(instances.map((i) => i.run<DriftReport>('drift')));
        return all.every((r) => r.features.find((f) => f.name === 'temperature')?.count === 180) ? all : undefined;
      },
      10_000,
      'every instance to count the 180 readings of all three assets',
    );
    for (const r of reports) {
      const t = r.features.find((f) => f.name === 'temperature')!;
      expect(t.mean).toBeCloseTo(350, 6);
      expect(t.psi).not.toBeNull();
      expect(t.psi).toBeCloseTo(reports[0]!.features.find((f) => f.name === 'temperature')!.psi!, 9);
    }
  });
});
