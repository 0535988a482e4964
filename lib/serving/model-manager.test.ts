import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../tests/model-packages';
import { until } from '../../tests/console-harness';
import { loadConfig } from '../config/env';
import { auditRepo } from '../db/audit-repo';
import { openDatabase, type Database } from '../db/client';
import { settingsRepo } from '../db/settings-repo';
import { logger } from '../log';
import { ModelManager, type ModelRef } from './model-manager';
import type { Activation } from './activation';

const input = { temperature: 360, pressure: 6, flow: 100 };
let dir: string;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'twinops-manager-'));
  writePackage(path.join(dir, 'models'), '1.0.0');
  database = await openDatabase({ pgliteDir: 'memory://' });
});
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ModelManager at run time', () => {
  it('takes a version that keeps failing out of service (degraded, with the reason) and loads it again by itself', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, MODELS_DIR: path.join(dir, 'models') });
    const changes: (ModelRef | null)[] = [];
    const manager = new ModelManager({
      config,
      logger,
      settings: settingsRepo(database.db),
      audit: auditRepo(database.db),
      broadcast: (m) => changes.push(m),
      retryMs: 200,
    });
    await manager.start();
    try {
      expect(manager.active()).toEqual({ name: 'reactor-yield', version: '1.0.0' });
      const model = manager.model()!;
      expect((await model.predict(input)).modelVersion).toBe('1.0.0');

      // A real run-time failure: the ONNX session goes away under the serving version.
      const state = (manager as unknown as { activation: Activation }).activation.state;
      await state.champion!.model.dispose();
      for (let i = 0; i < 3; i++) await expect(model.predict(input)).rejects.toThrow(/disposed/);
      expect(manager.model()).toBeNull();
      expect(manager.problem()).toMatch(/reactor-yield\/1\.0\.0 failed 3 runs in a row/);
      expect(manager.scorer()).toBeNull();
      expect(changes.at(-1)).toBeNull();

      await until(() => manager.active() !== null, 3_000, 'the periodic retry');
      expect(changes.at(-1)).toEqual({ name: 'reactor-yield', version: '1.0.0' });
      expect((await manager.model()!.predict(input)).prediction).toBeGreaterThan(60);
    } finally {
      await manager.close();
    }
  });
});
