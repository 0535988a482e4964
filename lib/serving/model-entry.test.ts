import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelPackage } from '../model';
import { ModelEntry } from './model-entry';

const SHIPPED = path.resolve('models/reactor-yield/1.0.0');
const input = { temperature: 360, pressure: 6, flow: 100 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ModelEntry', () => {
  it('keeps the session until the calls running at retirement have finished, then releases it', async () => {
    const entry = new ModelEntry(await loadModelPackage(SHIPPED), 'shipped');
    const running = entry.use(async (m) => {
      await sleep(50);
      return m.predict(input);
    });
    expect(entry.busy).toBe(1);
    await entry.retire();
    expect(entry.isRetired).toBe(true);
    const answer = await running;
    expect(answer.prediction).toBeGreaterThan(60);
    expect(entry.busy).toBe(0);
    await sleep(10);
    await expect(entry.model.predict(input)).rejects.toThrow(/disposed/);
  });

  it('releases an idle session at once', async () => {
    const entry = new ModelEntry(await loadModelPackage(SHIPPED), 'uploaded');
    expect(entry.key).toBe('reactor-yield/1.0.0');
    await entry.retire();
    await expect(entry.model.predict(input)).rejects.toThrow(/disposed/);
  });

  it('counts failed runs in a row: a success or a new start in service clears the count', async () => {
    const entry = new ModelEntry(await loadModelPackage(SHIPPED), 'shipped');
    expect(entry.recordRun(new Error('a'))).toBe(1);
    expect(entry.recordRun(new Error('b'))).toBe(2);
    expect(entry.recordRun(null)).toBe(0);
    expect(entry.recordRun(new Error('c'))).toBe(1);
    entry.resetFailures();
    expect(entry.recordRun(new Error('d'))).toBe(1);
    await entry.retire();
  });
});
