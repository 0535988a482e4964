/**
 * The asset registry on both engines (PGlite and PostgreSQL): seeding a new database, create /
 * edit / retire with the checks a schema cannot make, the audit trail, and what ingest gets
 * from it (values by name or tag, converted, extra signals range-checked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from '../db/audit-repo';
import { assetsRepo } from '../db/assets-repo';
import type { Database } from '../db/client';
import { readDomainError } from '../errors/domain-error';
import { parseIngestBody } from '../twin/ingest';
import { AssetRegistry, type AssetChange } from './asset-registry';
import { createAssetSchema, patchAssetSchema } from './schemas';
import { seedAssets } from './start-assets';

const FEATURES = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
  { name: 'flow', label: 'Flow', unit: 'kg/h', min: 50, max: 150 },
];
const ADA = { username: 'ada', address: '198.51.100.7' };

/** The refusal a call ends with: status and the fields it names. */
async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    const e = readDomainError(err);
    if (!e) throw err;
    return { status: e.status, fields: (e.fields ?? []).map((f) => f.field) };
  }
  throw new Error('expected a refusal');
}

describe.each(DB_TARGETS)('asset registry on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  let registry: AssetRegistry;
  const heard: AssetChange[] = [];

  beforeAll(async () => {
    database = await target.open();
    const repo = assetsRepo(database.db);
    // A new database: three simulated reactors, plus the ingest-only ids of EXTERNAL_ASSETS.
    expect(await seedAssets(repo, { ASSET_COUNT: 3, EXTERNAL_ASSETS: ['gw-1'] })).toBe(4);
    // Not new any more: ASSET_COUNT seeds nothing; a known external id is not added twice.
    expect(await seedAssets(repo, { ASSET_COUNT: 5, EXTERNAL_ASSETS: ['gw-1', 'gw-2'] })).toBe(1);
    registry = new AssetRegistry({
      repo,
      audit: auditRepo(database.db),
      features: () => FEATURES,
      defaultSetpoints: { temperature: 355, pressure: 6, flow: 100 },
    });
    await registry.load();
    registry.onChange((c) => heard.push(c));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('seeds the default plant once: reactors first, in order, simulated; external ids after them', () => {
    expect(registry.list().map((a) => [a.id, a.source])).toEqual([
      ['reactor-1', 'simulator'],
      ['reactor-2', 'simulator'],
      ['reactor-3', 'simulator'],
      ['gw-1', 'external'],
      ['gw-2', 'external'],
    ]);
    const r1 = registry.get('reactor-1')!;
    expect(r1.setpoints).toEqual({ temperature: 355, pressure: 6, flow: 100 });
    // Every asset has exactly the model's features until it is given more.
    expect(r1.signals.map((s) => [s.name, s.feature])).toEqual([
      ['temperature', true],
      ['pressure', true],
      ['flow', true],
    ]);
  });

  it('creates an asset with a place, extra signals, a tag and a conversion; audited; listeners hear it', async () => {
    const input = createAssetSchema.parse({
      id: 'r-101',
      name: 'R-101',
      path: ' Ludwigshafen / Ammonia / R-101 ',
      description: 'Ammonia converter',
      signals: [
        { name: 'temperature', tag: 'TI-101.PV', scale: 5 / 9, offset: -160 / 9 },
        { name: 'level', label: 'Level', unit: '%', min: 0, max: 100, tag: 'LI-101.PV' },
      ],
    });
    const a = await registry.create(input, ADA);
    expect(a).toMatchObject({ id: 'r-101', path: 'Ludwigshafen/Ammonia/R-101', source: 'external', retiredAt: null });
    expect(a.signals.map((s) => [s.name, s.feature, s.tag])).toEqual([
      ['temperature', true, 'TI-101.PV'],
      ['pressure', true, null],
      ['flow', true, null],
      ['level', false, 'LI-101.PV'],
    ]);
    expect(heard.at(-1)).toMatchObject({ kind: 'created', asset: { id: 'r-101' } });
    const audit = await auditRepo(database.db).list({ action: 'asset.create' });
    expect(audit[0]).toMatchObject({ actor: 'ada', target: 'asset:r-101', outcome: 'success' });

    // It survives a reload (a restart) as stored.
    const again = new AssetRegistry({
      repo: assetsRepo(database.db),
      audit: auditRepo(database.db),
      features: () => FEATURES,
    });
    await again.load();
    expect(again.get('r-101')).toEqual(a);
  });

  it('maps ingest values by name or tag, converts them, refuses unknown names and extra signals out of range', () => {
    const map = registry.signalMap('r-101')!;
    // 662 °F by its tag -> 350 °C; level by its tag; pressure and flow by name.
    const ok = parseIngestBody({ values: { 'TI-101.PV': 662, pressure: 6, flow: 100, 'LI-101.PV': 42 } }, map, 100);
    expect(ok.success).toBe(true);
    const values = (ok.data as { values: Record<string, number> }).values;
    expect(values.temperature).toBeCloseTo(350, 9);
    expect(values).toMatchObject({ pressure: 6, flow: 100, level: 42 });

    const bad = parseIngestBody(
      [{ values: { temperature: 350, pressure: 6, flow: 100, level: 140, vibration: 3 } }],
      map,
      100,
    );
    expect(bad.success).toBe(false);
    const fields = bad.error!.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(['0.values.level', '0.values.vibration']);
    expect(bad.error!.issues[0]!.message).toContain('outside level');
    // A feature is still required, by name or tag.
    const missing = parseIngestBody({ values: { pressure: 6, flow: 100 } }, map, 100);
    expect(missing.error!.issues.map((i) => i.path.join('.'))).toEqual(['values.temperature']);
  });

  it('refuses what a schema cannot see, naming the field; a duplicate id is a 409', async () => {
    const make = (body: Record<string, unknown>) => registry.create(createAssetSchema.parse(body), ADA);
    expect(await refusal(() => make({ id: 'r-101', name: 'again' }))).toEqual({ status: 409, fields: ['id'] });
    expect(await refusal(() => make({ id: 'x-1', name: 'x', signals: [{ name: 'level' }] }))).toEqual({
      status: 422,
      fields: ['signals.0.min', 'signals.0.max'],
    });
    expect(
      await refusal(() => make({ id: 'x-1', name: 'x', signals: [{ name: 'level', min: 5, max: 1, tag: 'flow' }] })),
    ).toEqual({ status: 422, fields: ['signals.0.tag', 'signals.0.max'] });
    expect(
      await refusal(() =>
        make({
          id: 'x-1',
          name: 'x',
          signals: [
            { name: 'level', min: 0, max: 1, tag: 'T1' },
            { name: 'temperature', tag: 'T1' },
          ],
        }),
      ),
    ).toEqual({ status: 422, fields: ['signals.1.tag'] });
    // The schema's own refusals (answered 400 by the route helper).
    const shape = createAssetSchema.safeParse({
      id: 'Bad Id',
      name: '',
      signals: [{ name: 'prediction', min: 0, max: 1 }],
    });
    expect(shape.error!.issues.map((i) => i.path.join('.'))).toEqual(['id', 'name', 'signals.0.name']);
    expect(registry.get('x-1')).toBeUndefined();
  });

  it('edits an asset (place, signals) and retires it: gone from the live list, still found, id stays taken', async () => {
    const edited = await registry.update(
      'r-101',
      patchAssetSchema.parse({
        path: 'Ludwigshafen/Ammonia/R-101A',
        signals: [{ name: 'vibration', min: 0, max: 50, unit: 'mm/s' }],
      }),
      ADA,
    );
    expect(edited.path).toBe('Ludwigshafen/Ammonia/R-101A');
    expect(edited.signals.filter((s) => !s.feature).map((s) => s.name)).toEqual(['vibration']);
    expect(edited.signals.find((s) => s.name === 'temperature')!.tag).toBeNull();
    expect(heard.at(-1)).toMatchObject({ kind: 'updated', asset: { id: 'r-101' } });

    const retired = await registry.retire('r-101', ADA);
    expect(retired.retiredAt).toBeGreaterThan(0);
    expect(registry.get('r-101')).toBeUndefined();
    expect(registry.signalMap('r-101')).toBeUndefined();
    expect((await registry.find('r-101')).retiredAt).toBe(retired.retiredAt);
    expect((await registry.listAll()).map((a) => a.id)).toContain('r-101');
    expect(heard.at(-1)).toMatchObject({ kind: 'retired', asset: { id: 'r-101' } });
    expect(await refusal(() => registry.retire('r-101', ADA))).toMatchObject({ status: 409 });
    expect(await refusal(() => registry.update('r-101', { name: 'x' }, ADA))).toMatchObject({ status: 409 });
    expect(
      await refusal(() => registry.create(createAssetSchema.parse({ id: 'r-101', name: 'x' }), ADA)),
    ).toMatchObject({
      status: 409,
    });
    expect(await refusal(() => registry.find('nope'))).toEqual({ status: 404, fields: ['id'] });
    const actions = (await auditRepo(database.db).list({})).map((e) => e.action).filter((x) => x.startsWith('asset.'));
    expect(actions.sort()).toEqual(['asset.create', 'asset.retire', 'asset.update']);
  });

  it('a simulated asset without setpoints starts from the default ones', async () => {
    const a = await registry.create(createAssetSchema.parse({ id: 'sim-9', name: 'Sim 9', source: 'simulator' }), ADA);
    expect(a.setpoints).toEqual({ temperature: 355, pressure: 6, flow: 100 });
  });
});

describe.each(DB_TARGETS)('seeding on $name', (target) => {
  it('two instances seeding a new database at once end with one set of reactors, and neither fails', async () => {
    const database = await target.open();
    try {
      const repo = assetsRepo(database.db);
      const config = { ASSET_COUNT: 3, EXTERNAL_ASSETS: ['gw-1'] };
      const [a, b] = await Promise.all([seedAssets(repo, config), seedAssets(repo, config)]);
      expect(a + b).toBe(4);
      expect((await repo.list()).map((x) => x.id)).toEqual(['reactor-1', 'reactor-2', 'reactor-3', 'gw-1']);
    } finally {
      await database.drop();
    }
  });
});
