import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeDatabaseUrl, loadConfig } from './env';
import { resolveAuthSecret } from './secret';

describe('loadConfig', () => {
  it('needs nothing: the defaults are the embedded setup on port 3000', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('treats empty strings as unset (a blank line in .env must not break start-up)', () => {
    expect(loadConfig({ DATABASE_URL: '', NEXTAUTH_SECRET: ' ' }).DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable in one error', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', NEXTAUTH_URL: 'not a url' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).toMatch(/NEXTAUTH_URL: must be a URL/);
  });

  it('never echoes a secret value back', () => {
    expect(() => loadConfig({ NEXTAUTH_SECRET: 'short-secret', ADMIN_PASSWORD: 'abc' })).toThrow(ConfigError);
    try {
      loadConfig({ NEXTAUTH_SECRET: 'short-secret', ADMIN_PASSWORD: 'abc' });
    } catch (e) {
      expect((e as Error).message).not.toContain('short-secret');
      expect((e as Error).message).toContain('ADMIN_PASSWORD: must be at least 8 characters');
    }
  });

  it('rejects an out-of-range port', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('reads EXTERNAL_ASSETS as a list of ids and refuses a bad one; STALE_AFTER_INTERVALS at least 2', () => {
    expect(loadConfig({}).EXTERNAL_ASSETS).toEqual([]);
    expect(loadConfig({ EXTERNAL_ASSETS: ' r-101, line-7 ,' }).EXTERNAL_ASSETS).toEqual(['r-101', 'line-7']);
    expect(() => loadConfig({ EXTERNAL_ASSETS: 'R 101' })).toThrow(/EXTERNAL_ASSETS.*comma-separated ids/);
    expect(loadConfig({}).STALE_AFTER_INTERVALS).toBe(5);
    expect(() => loadConfig({ STALE_AFTER_INTERVALS: '1' })).toThrow(/STALE_AFTER_INTERVALS/);
  });

  it('leaves the plant connection off by default and reads its settings', () => {
    const off = loadConfig({});
    expect(off.MQTT_URL).toBeUndefined();
    expect(off).toMatchObject({
      MQTT_TOPIC_PREFIX: 'twinops',
      MQTT_CLIENT_ID: 'twinops-console',
      SPARKPLUG_GROUPS: [],
    });
    const on = loadConfig({
      MQTT_URL: 'mqtts://broker.plant:8883',
      MQTT_TOPIC_PREFIX: 'plant/ludwigshafen/',
      SPARKPLUG_GROUPS: ' Ammonia , Utilities,',
      SPARKPLUG_BINDINGS: 'Ammonia/gw-1/R-101=reactor-1, Ammonia/gw-1/R-102=reactor-2',
    });
    expect(on.MQTT_TOPIC_PREFIX).toBe('plant/ludwigshafen');
    expect(on.SPARKPLUG_GROUPS).toEqual(['Ammonia', 'Utilities']);
    expect(on.SPARKPLUG_BINDINGS).toEqual(['Ammonia/gw-1/R-101=reactor-1', 'Ammonia/gw-1/R-102=reactor-2']);
  });

  it('refuses bad plant connection settings, naming them, without echoing the broker URL', () => {
    let message = '';
    try {
      loadConfig({
        MQTT_URL: 'http://user:pw-secret@broker',
        MQTT_TOPIC_PREFIX: 'plant/#',
        SPARKPLUG_GROUPS: 'a/b',
        SPARKPLUG_BINDINGS: 'Ammonia/R-101=reactor-1',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/MQTT_URL: must be an mqtt:\/\/ or mqtts:\/\/ URL/);
    expect(message).not.toContain('pw-secret');
    expect(message).toMatch(/MQTT_TOPIC_PREFIX: must be a topic prefix without wildcards/);
    expect(message).toMatch(/SPARKPLUG_GROUPS.*must not contain/);
    expect(message).toMatch(/SPARKPLUG_BINDINGS.*group\/edge\/device=assetId/);
  });

  it('describes a database URL without its password', () => {
    expect(describeDatabaseUrl('postgres://u:pw@db.plant:5433/twin')).toBe('db.plant:5433/twin');
  });
});

describe('resolveAuthSecret', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twinops-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a secret once, keeps it in the data directory, and reuses it', () => {
    const first = resolveAuthSecret(dir, undefined);
    expect(first.generated).toBe(true);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    const second = resolveAuthSecret(dir, undefined);
    expect(second).toEqual({ secret: first.secret, generated: false });
  });

  it('prefers NEXTAUTH_SECRET when given', () => {
    expect(resolveAuthSecret(dir, 'x'.repeat(40)).secret).toBe('x'.repeat(40));
  });

  it('reports a damaged secret file', () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'twinops-secret-bad-'));
    writeFileSync(path.join(other, 'auth-secret'), 'short');
    expect(() => resolveAuthSecret(other, undefined)).toThrow(/damaged/);
    rmSync(other, { recursive: true, force: true });
  });
});
