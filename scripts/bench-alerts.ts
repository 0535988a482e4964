/**
 * What the alert engine costs the pipeline: `onPoint` is synchronous (the pipeline calls it for
 * every point), so it must stay in the microseconds, also while alerts raise and clear (stored
 * asynchronously). Embedded database in memory; 10 assets x 4 rules (prediction + 3 sensors).
 *   npm run bench:alerts
 */
import { AlertService, defaultRules } from '../lib/alerts/alert-service';
import { alertsRepo } from '../lib/db/alerts-repo';
import { auditRepo } from '../lib/db/audit-repo';
import { openDatabase } from '../lib/db/client';
import { logger } from '../lib/log';
import type { Point } from '../lib/twin/types';
import { smokeOr } from './bench-mode';

const point = (seq: number, temperature: number): Point => ({
  seq,
  ts: seq,
  values: { temperature, pressure: 5, flow: 100 },
  prediction: 85,
  lower: null,
  upper: null,
  modelVersion: null,
  inferenceMs: null,
  flags: [],
});

async function main(): Promise<void> {
  logger.level = 'silent';
  const db = await openDatabase({ pgliteDir: 'memory://' });
  const signals = ['temperature', 'pressure', 'flow'].map((name, i) => ({
    name,
    label: name,
    unit: '',
    min: [300, 1, 50][i]!,
    max: [400, 10, 150][i]!,
  }));
  const assets = Array.from({ length: 10 }, (_, i) => `a${i}`);
  const engine = new AlertService({
    repo: alertsRepo(db.db),
    audit: auditRepo(db.db),
    broadcaster: { raised() {}, updated() {} },
    logger,
  });
  await engine.start(defaultRules(assets, signals, { low: 70, high: 95 }));

  const N = smokeOr(100_000, 1_000_000);
  let t0 = performance.now();
  for (let i = 0; i < N; i++) engine.onPoint(assets[i % 10]!, point(i, 350 + (i % 7)));
  let ms = performance.now() - t0;
  console.log(`quiet:    ${N} points, 4 rules each: ${((ms * 1000) / N).toFixed(2)} µs/point (target < 5 µs)`);

  for (const r of engine.rules('a0'))
    await engine.updateRule(r.id, { minDurationMs: 0, deadband: 0 }, { username: 'bench' });
  const M = smokeOr(2_000, 20_000);
  t0 = performance.now();
  for (let i = 0; i < M; i++) engine.onPoint('a0', point(N + i, i % 100 < 50 ? 450 : 350));
  ms = performance.now() - t0;
  await engine.idle();
  const stored = performance.now() - t0;
  console.log(
    `flapping: ${M} points, ${M / 100} raises and as many clears: ${((ms * 1000) / M).toFixed(2)} µs/point in onPoint; all stored after ${stored.toFixed(0)} ms`,
  );
  await engine.close();
  await db.close();
}

void main();
