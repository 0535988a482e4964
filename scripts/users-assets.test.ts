/**
 * The users CLI's asset commands (issue 15), run as a user would (own process, embedded
 * database): same checks and audit entries as the API; the console started afterwards streams
 * what the CLI registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usersCli } from '../tests/users-cli';
import { startHarness } from '../tests/console-harness';
import { openDatabase } from '../lib/db/client';
import { auditRepo } from '../lib/db/audit-repo';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-cli-assets-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const users = usersCli(dataDir);

describe('users CLI: assets', () => {
  it('lists the seeded reactors, creates an asset with a place and signals, refuses bad input naming the field', async () => {
    const first = users(['asset-list']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/reactor-1/);
    expect(first.out).toMatch(/reactor-3/);

    const signals = JSON.stringify([
      { name: 'temperature', tag: 'TI-101.PV' },
      { name: 'level', label: 'Level', unit: '%', min: 0, max: 100 },
    ]);
    const made = users([
      'asset-create',
      'r-101',
      '--name',
      'R-101',
      '--path',
      'Ludwigshafen/Ammonia/R-101',
      '--signals',
      signals,
    ]);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toContain('created r-101 (R-101, external, Ludwigshafen/Ammonia/R-101)');
    const listed = users(['asset-list']);
    expect(listed.out).toMatch(/r-101.*Ludwigshafen\/Ammonia\/R-101.*external.*level.*TI-101\.PV=temperature/);

    const dup = users(['asset-create', 'r-101', '--name', 'again']);
    expect(dup.code).toBe(2);
    expect(dup.err).toMatch(/already exists/);
    const noRange = users(['asset-create', 'r-102', '--name', 'R-102', '--signals', '[{"name":"level"}]']);
    expect(noRange.code).toBe(2);
    expect(noRange.err).toMatch(/signals\.0\.min/);
    const badId = users(['asset-create', 'R 102', '--name', 'x', '--signals', '{oops']);
    expect(badId.code).toBe(2);
    expect(badId.err).toMatch(/signals: must be a JSON list/);
  }, 300_000);

  it('binds a Sparkplug B device at creation and later, refuses a bad or taken binding naming it, unbinds', () => {
    const made = users(['asset-create', 'p-7', '--name', 'P-7', '--sparkplug', 'Ludwigshafen/gw-1/P-7']);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toContain('created p-7 (P-7, external, Sparkplug Ludwigshafen/gw-1/P-7)');
    const bad = users(['asset-bind', 'r-101', 'Ludwigshafen/gw+1/R-101']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/sparkplug\.edge: edge must not contain \/ \+ or #/);
    expect(users(['asset-bind', 'r-101', 'Ludwigshafen/R-101']).err).toMatch(/sparkplug: must be group\/edge\/device/);
    const taken = users(['asset-bind', 'r-101', 'Ludwigshafen/gw-1/P-7']);
    expect(taken.code).toBe(2);
    expect(taken.err).toMatch(/already bound to asset "p-7"/);
    const bound = users(['asset-bind', 'r-101', 'Ludwigshafen/gw-1/R-101']);
    expect(bound.code, bound.err).toBe(0);
    expect(bound.out).toContain('r-101 is fed by Sparkplug device Ludwigshafen/gw-1/R-101');
    expect(users(['asset-list']).out).toMatch(/r-101.*Ludwigshafen\/gw-1\/R-101/);
    const unbound = users(['asset-unbind', 'p-7']);
    expect(unbound.code, unbound.err).toBe(0);
    expect(unbound.out).toContain('p-7 has no Sparkplug binding');
  }, 300_000);

  it('the console started afterwards streams the registered asset; retiring it is audited and listed with --all', async () => {
    const h = await startHarness({ SIMULATOR: 'off' }, dataDir);
    try {
      expect(h.handle.services.twin!.pipeline.hasAsset('r-101')).toBe(true);
      expect(h.handle.services.assets.sparkplugAsset('Ludwigshafen', 'gw-1', 'R-101')).toBe('r-101');
      expect(h.handle.services.assets!.get('r-101')!.signals.find((s) => s.name === 'level')).toMatchObject({
        unit: '%',
        feature: false,
      });
    } finally {
      await h.stop();
    }
    const gone = users(['asset-retire', 'r-101']);
    expect(gone.code, gone.err).toBe(0);
    expect(gone.out).toContain('retired r-101');
    expect(users(['asset-list']).out).not.toMatch(/r-101/);
    expect(users(['asset-list', '--all']).out).toMatch(/r-101.*retired/);
    expect(users(['asset-retire', 'r-101']).code).toBe(2);
    const db = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    try {
      const audit = await auditRepo(db.db).list({ actor: 'cli' });
      expect(audit.map((e) => [e.action, e.target])).toEqual([
        ['asset.retire', 'asset:r-101'],
        ['asset.update', 'asset:p-7'],
        ['asset.update', 'asset:r-101'],
        ['asset.create', 'asset:p-7'],
        ['asset.create', 'asset:r-101'],
      ]);
    } finally {
      await db.close();
    }
  }, 300_000);
});
