/**
 * Backtests through the real console: a registered version scored on stored history equals a
 * direct batch scoring of the same rows; the serving version's figures beside it; progress and
 * refusals (bad range, unknown asset, unknown version, not an admin).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list, POST as start } from '@/app/api/v1/models/backtests/route';
import { GET as one } from '@/app/api/v1/models/backtests/[id]/route';
import { startHarness, until, type Harness } from '../../tests/console-harness';
import { call } from '../api/test-kit';
import { loadModelPackage } from '../model';
import type { BacktestJob } from './backtest';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const N = 3_000;
let h: Harness;
let admin: string;

/** A stored reading: some outside the valid range (not scored), a measured value on two in three. */
function reading(i: number) {
  const temperature = i % 50 === 0 ? 999 : 320 + (i % 80);
  return {
    assetId: 'reactor-2',
    point: {
      seq: i,
      ts: T0 + i * 1_000,
      values: { temperature, pressure: 4 + (i % 5), flow: 80 + (i % 40) },
      prediction: null,
      lower: null,
      upper: null,
      modelVersion: null,
      inferenceMs: null,
      flags: [],
      ...(i % 3 === 0 ? {} : { actual: 84 + (i % 7) }),
    },
  };
}

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  admin = await h.sessionCookie('ada', 'admin');
  await h.handle.services.repos.telemetry.insertMany(Array.from({ length: N }, (_, i) => reading(i)));
}, 60_000);
afterAll(() => h?.stop());

const post = (body: unknown, cookie = admin) =>
  call(h.url, start, '/api/v1/models/backtests', { body, headers: { cookie } });

describe('backtests', () => {
  it('scores a version on stored history exactly as a direct batch scoring of the same rows', async () => {
    const res = await post({
      name: 'reactor-yield',
      version: '1.0.0',
      assetId: 'reactor-2',
      from: T0,
      to: T0 + N * 1_000,
    });
    expect(res.status, res.text).toBe(202);
    const started = (res.json as { backtest: BacktestJob }).backtest;
    expect(started).toMatchObject({
      status: 'running',
      progress: { total: N },
      startedBy: 'ada',
      servingVersion: '2.0.0',
    });

    let job = started;
    await until(
      () => {
        void call(h.url, one, `/api/v1/models/backtests/${started.id}`, {
          params: { id: started.id },
          headers: { cookie: admin },
        }).then((r) => (job = (r.json as { backtest: BacktestJob }).backtest));
        return job.status !== 'running';
      },
      20_000,
      'the backtest to finish',
    );
    expect(job.status).toBe('done');
    expect(job.progress.done).toBe(N);

    // The same rows scored directly by both packages.
    const direct = async (dir: string) => {
      const model = await loadModelPackage(path.resolve(dir));
      const kept = Array.from({ length: N }, (_, i) => reading(i).point).filter((p) => model.check(p.values).ok);
      const flat = new Float32Array(kept.flatMap((p) => model.validate(p.values)));
      const s = await model.predictRows(flat, kept.length);
      await model.dispose();
      let n = 0;
      let abs = 0;
      let err = 0;
      let inside = 0;
      kept.forEach((p, i) => {
        if (p.actual === undefined) return;
        n++;
        abs += Math.abs(s.prediction[i]! - p.actual);
        err += s.prediction[i]! - p.actual;
        if (p.actual >= s.lower![i]! && p.actual <= s.upper![i]!) inside++;
      });
      return { scored: kept.length, withActual: n, mae: abs / n, bias: err / n, coverage: inside / n, p: s.prediction };
    };
    const candidate = await direct('models/reactor-yield/1.0.0');
    const serving = await direct('models/reactor-yield/2.0.0');
    const result = job.result!;
    expect(result.rows).toBe(N);
    expect(result.skipped).toBe(N / 50);
    for (const [got, want] of [
      [result.candidate, candidate],
      [result.serving!, serving],
    ] as const) {
      expect(got.scored).toBe(want.scored);
      expect(got.withActual).toBe(want.withActual);
      expect(got.mae).toBeCloseTo(want.mae, 9);
      expect(got.bias).toBeCloseTo(want.bias, 9);
      expect(got.coverage).toBeCloseTo(want.coverage, 9);
    }
    const diff =
      Array.from(candidate.p, (v, i) => Math.abs(v - serving.p[i]!)).reduce((a, b) => a + b, 0) / candidate.scored;
    expect(result.meanAbsDifference).toBeCloseTo(diff, 9);
    expect(result.overlay.t).toHaveLength(200);
    expect(result.overlay.candidate.filter((v) => v !== null).length).toBeGreaterThan(150);

    const listed = await call(h.url, list, '/api/v1/models/backtests', { headers: { cookie: admin } });
    expect((listed.json as { backtests: BacktestJob[] }).backtests[0]!.id).toBe(started.id);
  });

  it('refuses a bad range, an unknown asset or version, a non-admin, and an unknown id', async () => {
    const base = { name: 'reactor-yield', version: '1.0.0', assetId: 'reactor-2', from: T0, to: T0 + 1_000 };
    const fieldOf = (r: { json: Record<string, unknown> | null }) =>
      (r.json as { error: { fields: { field: string }[] } }).error.fields[0]!.field;
    const backwards = await post({ ...base, to: T0 - 1 });
    expect([backwards.status, fieldOf(backwards)]).toEqual([400, 'to']);
    const tooLong = await post({ ...base, to: T0 + 367 * 86_400_000 });
    expect([tooLong.status, fieldOf(tooLong)]).toEqual([400, 'to']);
    const asset = await post({ ...base, assetId: 'nowhere' });
    expect([asset.status, fieldOf(asset)]).toEqual([400, 'assetId']);
    expect((await post({ ...base, version: '9.9.9' })).status).toBe(404);
    expect((await post(base, await h.sessionCookie('olivia', 'operator'))).status).toBe(403);
    const missing = await call(h.url, one, '/api/v1/models/backtests/nope', {
      params: { id: 'nope' },
      headers: { cookie: admin },
    });
    expect(missing).toMatchObject({ status: 404, json: { error: { code: 'backtest_not_found' } } });
  });
});
