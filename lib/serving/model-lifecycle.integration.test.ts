import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as health } from '@/app/api/health/route';
import { GET as listModels, POST as upload } from '@/app/api/v1/models/route';
import { POST as activate } from '@/app/api/v1/models/activate/route';
import { DELETE as stopAb, GET as getAb, PUT as putAb } from '@/app/api/v1/models/ab/route';
import { POST as promote } from '@/app/api/v1/models/ab/promote/route';
import { GET as drift } from '@/app/api/v1/models/drift/route';
import { POST as predict } from '@/app/api/v1/twin/predict/route';
import { startHarness, subscribe, until, type Harness } from '../../tests/console-harness';
import { packageForm, twinJson, writePackage } from '../../tests/model-packages';
import type { Reading } from '../twin/types';

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Role = 'viewer' | 'operator' | 'admin';

let h: Harness;
let modelsDir: string;

async function req(handler: Handler, method: string, opts: { body?: unknown; form?: FormData; role?: Role } = {}) {
  const headers: Record<string, string> = {
    cookie: await h.sessionCookie(opts.role === 'viewer' ? 'vic' : 'ada', opts.role ?? 'admin'),
  };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await handler(new NextRequest(`${h.url}/api/v1/models`, { method, headers, body }), {
    params: Promise.resolve({}),
  });
  // Answers are read field by field below; the assertions check their shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const reading = { temperature: 360, pressure: 6, flow: 100 };

describe('model lifecycle: upload, activate, persist, A/B', () => {
  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-models-'));
    writePackage(modelsDir, '1.0.0');
    h = await startHarness({
      SIM_RATE_HZ: '20',
      MODELS_DIR: modelsDir,
      PREDICTION_CACHE_SIZE: '0',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    process.env.NEXTAUTH_SECRET = h.secret;
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('lists the shipped version as active', async () => {
    const res = await req(listModels, 'GET', { role: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.active).toEqual({ name: 'reactor-yield', version: '1.0.0' });
    expect(res.body.versions).toEqual([
      expect.objectContaining({
        name: 'reactor-yield',
        version: '1.0.0',
        source: 'shipped',
        active: true,
        metrics: expect.objectContaining({ r2: expect.any(Number) }),
      }),
    ]);
  });

  it('refuses a bad package with the loader’s reasons and keeps nothing', async () => {
    const bad = await req(upload, 'POST', {
      form: packageForm(
        twinJson({ version: '9.0.0', onnx: { file: 'model.onnx', input: 'input', output: 'nope', members: 100 } }),
      ),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toContainEqual({
      field: 'twin.json onnx.output',
      message: expect.stringContaining('has no output "nope"'),
    });
    const broken = await req(upload, 'POST', { form: packageForm(Buffer.from('{"schemaVersion": 1,')) });
    expect(broken.status).toBe(422);
    expect(broken.body.error.fields[0].message).toMatch(/not valid JSON/);
    const missing = await req(upload, 'POST', {
      form: (() => {
        const f = new FormData();
        f.append('twin', new Blob([new Uint8Array(twinJson())]), 'twin.json');
        return f;
      })(),
    });
    expect(missing).toMatchObject({ status: 400, body: { error: { fields: [{ field: 'model' }] } } });
    const uploadedDir = h.handle.services.config.uploadedModelsDir;
    expect(existsSync(uploadedDir) ? readdirSync(uploadedDir) : []).toEqual([]);
    expect((await req(listModels, 'GET')).body.versions).toHaveLength(1);
    const p = await req(predict, 'POST', { body: reading, role: 'viewer' });
    expect(p.body.model.version).toBe('1.0.0');
  });

  it('refuses a model.onnx that cannot be loaded naming the file, never a server path', async () => {
    const res = await req(upload, 'POST', {
      form: packageForm(twinJson({ version: '9.1.0' }), Buffer.from('this is not an ONNX graph')),
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toContainEqual({
      field: 'model.onnx',
      message: expect.stringMatching(/^onnxruntime cannot load it: .*model\.onnx/),
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(h.handle.services.config.uploadedModelsDir);
    expect(text).not.toMatch(/\.upload-|\/[\w.-]+\/[\w.-]+\/model\.onnx/);
    const uploadedDir = h.handle.services.config.uploadedModelsDir;
    expect(existsSync(uploadedDir) ? readdirSync(uploadedDir) : []).toEqual([]);
  });

  it('refuses a name or version over 100 characters with 422 naming the field, leaving no directory', async () => {
    const long = 'a'.repeat(300);
    const byName = await req(upload, 'POST', { form: packageForm(twinJson({ name: long, version: '9.2.0' })) });
    expect(byName.status).toBe(422);
    expect(byName.body.error.fields).toContainEqual({
      field: 'twin.json name',
      message: expect.stringContaining('at most 100 characters'),
    });
    const byVersion = await req(upload, 'POST', { form: packageForm(twinJson({ version: long })) });
    expect(byVersion.status).toBe(422);
    expect(byVersion.body.error.fields).toContainEqual({
      field: 'twin.json version',
      message: expect.stringContaining('at most 100 characters'),
    });
    const uploadedDir = h.handle.services.config.uploadedModelsDir;
    expect(existsSync(uploadedDir) ? readdirSync(uploadedDir) : []).toEqual([]);
  });

  it('stores a good upload (admins only), refuses a duplicate with 409', async () => {
    expect(
      (await req(upload, 'POST', { form: packageForm(twinJson({ version: '1.1.0' })), role: 'viewer' })).status,
    ).toBe(403);
    const ok = await req(upload, 'POST', { form: packageForm(twinJson({ version: '1.1.0' })) });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: 'reactor-yield', version: '1.1.0', source: 'uploaded', active: false });
    expect((await req(upload, 'POST', { form: packageForm(twinJson({ version: '1.1.0' })) })).status).toBe(409);
    expect((await req(upload, 'POST', { form: packageForm(twinJson({ version: '1.0.0' })) })).status).toBe(409);
    const audit = await h.handle.services.audit.list({ action: 'model.upload' });
    expect(audit.map((a) => a.outcome)).toContain('failure');
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'ada', target: 'reactor-yield/1.1.0', outcome: 'success' }),
    );
  });

  it('activates a version: the API, the pipeline and every console switch at once; persisted and audited', async () => {
    const socket = h.client(await h.sessionCookie('vic', 'viewer'));
    const changes: unknown[] = [];
    socket.on('model:changed', (m) => changes.push(m));
    await until(() => socket.connected, 5_000, 'socket');
    expect(
      (await req(activate, 'POST', { body: { name: 'reactor-yield', version: '1.1.0' }, role: 'viewer' })).status,
    ).toBe(403);
    expect((await req(activate, 'POST', { body: { name: 'reactor-yield', version: '7.0.0' } })).status).toBe(404);
    expect((await req(activate, 'POST', { body: { name: 'reactor-yield' } })).body.error.fields).toEqual([
      { field: 'version', message: 'version is required' },
    ]);
    const res = await req(activate, 'POST', { body: { name: 'reactor-yield', version: '1.1.0' } });
    expect(res).toMatchObject({ status: 200, body: { changed: true, model: { version: '1.1.0' } } });
    await until(() => changes.length > 0, 3_000, 'model:changed');
    expect(changes).toEqual([{ name: 'reactor-yield', version: '1.1.0' }]);
    expect((await req(predict, 'POST', { body: reading, role: 'viewer' })).body.model.version).toBe('1.1.0');
    const stream = h.handle.services.twin!.pipeline.stream('reactor-1')!;
    const seq = stream.lastSeq;
    await until(() => stream.lastSeq > seq + 2, 3_000, 'new points');
    expect(stream.latest()!.modelVersion).toBe('1.1.0');
    expect(h.handle.services.twin!.catalog().model).toEqual({ name: 'reactor-yield', version: '1.1.0' });
    expect((await h.handle.services.repos.settings.get('model.active'))?.value).toEqual({
      name: 'reactor-yield',
      version: '1.1.0',
    });
    expect(await h.handle.services.audit.list({ action: 'model.activate' })).toContainEqual(
      expect.objectContaining({ actor: 'ada', target: 'reactor-yield/1.1.0', outcome: 'success' }),
    );
  });

  it('swaps versions back and forth under concurrent predictions with no failed request', async () => {
    let stop = false;
    const statuses = new Map<number, number>();
    const versions = new Set<string>();
    let maxMs = 0;
    const cookie = await h.sessionCookie('vic', 'viewer');
    const client = async () => {
      while (!stop) {
        const t0 = performance.now();
        const res = await predict(
          new NextRequest(`${h.url}/api/v1/twin/predict`, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json' },
            body: JSON.stringify(reading),
          }),
          { params: Promise.resolve({}) },
        );
        maxMs = Math.max(maxMs, performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) versions.add(((await res.json()) as { model: { version: string } }).model.version);
      }
    };
    const clients = Array.from({ length: 12 }, client);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await req(activate, 'POST', { body: { name: 'reactor-yield', version: i % 2 ? '1.0.0' : '1.1.0' } });
      expect(r.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 50));
    stop = true;
    await Promise.all(clients);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `hot swap (in-process): ${total} requests, ${total - (statuses.get(200) ?? 0)} non-2xx, max latency ${maxMs.toFixed(1)} ms, 10 swaps`,
    );
    expect([...statuses.keys()]).toEqual([200]);
    expect(total).toBeGreaterThan(100);
    expect(versions).toEqual(new Set(['1.0.0', '1.1.0']));
  });

  it('sends 20 % of 10,000 predictions to the challenger (pipeline and API), with per-version figures', async () => {
    expect(
      (await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.1.0', share: 1.5 } })).body.error.fields[0]
        .field,
    ).toBe('share');
    expect((await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.0.0', share: 0.2 } })).status).toBe(
      409,
    );
    const started = await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.1.0', share: 0.2 } });
    expect(started).toMatchObject({
      status: 200,
      body: { running: true, champion: { version: '1.0.0' }, challenger: { version: '1.1.0', share: 0.2 } },
    });
    expect((await h.handle.services.repos.settings.get('model.ab'))?.value).toEqual({
      name: 'reactor-yield',
      version: '1.1.0',
      mode: 'split',
      share: 0.2,
    });

    // Pipeline: 10,000 readings with their true value, split per row.
    const t0 = Date.now() - 60_000;
    const readings: Reading[] = Array.from({ length: 10_000 }, (_, i) => ({
      assetId: 'reactor-2',
      ts: t0 + i,
      values: { temperature: 320 + (i % 60), pressure: 5 + (i % 3), flow: 90 + (i % 20) },
      actual: 85,
    }));
    const points = await h.handle.services.twin!.pipeline.ingest(readings);
    const share = points.filter((p) => p.modelVersion === '1.1.0').length / points.length;
    console.log(`A/B pipeline: ${(share * 100).toFixed(2)} % of 10,000 rows to the challenger`);
    expect(Math.abs(share - 0.2)).toBeLessThan(0.015);

    // API: 10,000 requests, each routed as a whole.
    const cookie = await h.sessionCookie('vic', 'viewer');
    let challenger = 0;
    for (let i = 0; i < 10_000; i += 50) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const res = await predict(
            new NextRequest(`${h.url}/api/v1/twin/predict`, {
              method: 'POST',
              headers: { cookie, 'content-type': 'application/json' },
              body: JSON.stringify(reading),
            }),
            { params: Promise.resolve({}) },
          );
          return ((await res.json()) as { model: { version: string } }).model.version;
        }),
      );
      challenger += answers.filter((v) => v === '1.1.0').length;
    }
    console.log(`A/B API: ${(challenger / 100).toFixed(2)} % of 10,000 requests to the challenger`);
    expect(Math.abs(challenger / 10_000 - 0.2)).toBeLessThan(0.015);

    const view = await req(getAb, 'GET', { role: 'viewer' });
    const [a, b] = view.body.versions as {
      version: string;
      count: number;
      meanPrediction: number;
      latencyP50Ms: number;
      latencyP99Ms: number;
      withActual: number;
      mae: number;
    }[];
    expect(a!.version).toBe('1.0.0');
    expect(b!.version).toBe('1.1.0');
    expect(a!.count + b!.count).toBeGreaterThanOrEqual(20_000);
    expect(b!.withActual).toBeGreaterThan(1_500);
    expect(a!.mae).toBeGreaterThan(0);
    expect(b!.latencyP99Ms).toBeGreaterThanOrEqual(b!.latencyP50Ms);
    // Same ONNX graph under both versions: the same mean prediction on the same kind of rows.
    expect(Math.abs(a!.meanPrediction - b!.meanPrediction)).toBeLessThan(2);
  }, 120_000);

  it('promotes the challenger (the test ends), and stops a new test', async () => {
    const p = await req(promote, 'POST');
    expect(p).toMatchObject({ status: 200, body: { changed: true, model: { version: '1.1.0' } } });
    expect((await req(getAb, 'GET')).body).toMatchObject({
      running: false,
      champion: { version: '1.1.0' },
      challenger: null,
    });
    expect((await req(promote, 'POST')).status).toBe(409);
    await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.0.0', share: 0.5 } });
    expect((await req(getAb, 'GET')).body.running).toBe(true);
    expect((await req(stopAb, 'DELETE')).body).toMatchObject({ running: false, challenger: null });
    expect(await h.handle.services.repos.settings.get('model.ab')).toBeNull();
  });

  it('shadow mode: the challenger scores every live point, but no point, stream or answer carries it', async () => {
    const bad = await req(putAb, 'PUT', {
      body: { name: 'reactor-yield', version: '1.0.0', mode: 'shadow', share: 0.2 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('share');
    expect(
      (await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.0.0', share: undefined } })).status,
    ).toBe(400);
    const started = await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.0.0', mode: 'shadow' } });
    expect(started).toMatchObject({
      status: 200,
      body: {
        running: true,
        champion: { version: '1.1.0' },
        challenger: { version: '1.0.0', mode: 'shadow', share: 0 },
      },
    });

    const socket = h.client(await h.sessionCookie('vic', 'viewer'));
    const streamed: string[] = [];
    socket.on('stream:points', (msg) => {
      if (msg.assetId !== 'reactor-3') return;
      for (const p of msg.points) if (p.ts >= t0) streamed.push(p.modelVersion ?? 'none');
    });
    const t0 = Date.now() + 1_000;
    await subscribe(socket, { assetId: 'reactor-3' });
    const points = await h.handle.services.twin!.pipeline.ingest(
      Array.from({ length: 500 }, (_, i) => ({
        assetId: 'reactor-3',
        ts: t0 + i,
        values: { temperature: 330 + (i % 40), pressure: 6, flow: 100 },
        actual: 86,
      })),
    );
    expect(new Set(points.map((p) => p.modelVersion))).toEqual(new Set(['1.1.0']));
    await until(() => streamed.length >= 500, 5_000, 'the 500 points streamed');
    expect(new Set(streamed)).toEqual(new Set(['1.1.0']));

    const cookie = await h.sessionCookie('vic', 'viewer');
    for (let i = 0; i < 20; i++) {
      const res = await predict(
        new NextRequest(`${h.url}/api/v1/twin/predict`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify(reading),
        }),
        { params: Promise.resolve({}) },
      );
      expect(((await res.json()) as { model: { version: string } }).model.version).toBe('1.1.0');
    }
    const view = await req(getAb, 'GET', { role: 'viewer' });
    const shadow = (view.body.versions as { version: string; count: number; withActual: number; mae: number }[]).find(
      (v) => v.version === '1.0.0',
    );
    // Every live point scored in the shadow (the simulator's too), none of the API calls.
    expect(shadow!.count).toBeGreaterThanOrEqual(500);
    expect(shadow!.withActual).toBeGreaterThanOrEqual(500);
    expect(shadow!.mae).toBeGreaterThan(0);
    await req(stopAb, 'DELETE');
  });

  it('reports drift per feature', async () => {
    const res = await req(drift, 'GET', { role: 'viewer' });
    expect(res.body.features.map((f: { name: string }) => f.name)).toEqual(['temperature', 'pressure', 'flow']);
    expect(res.body.features[0]).toMatchObject({
      count: expect.any(Number),
      psi: expect.any(Number),
      outOfRangeRate: expect.any(Number),
      trainingMean: expect.any(Number),
    });
  });

  it('serves the activated version and runs the A/B test again after a restart', async () => {
    await req(putAb, 'PUT', { body: { name: 'reactor-yield', version: '1.0.0', share: 0.3 } });
    const dataDir = h.dataDir;
    await h.handle.close();
    const again = await startHarness(
      { SIMULATOR: 'off', MODELS_DIR: modelsDir, MODEL: 'reactor-yield/1.0.0' },
      dataDir,
    );
    try {
      expect(again.handle.services.models!.active()).toEqual({ name: 'reactor-yield', version: '1.1.0' });
      expect(again.handle.services.models!.ab()).toMatchObject({
        running: true,
        challenger: { name: 'reactor-yield', version: '1.0.0', share: 0.3 },
      });
    } finally {
      await again.stop();
    }
    h = await startHarness({ SIMULATOR: 'off', MODELS_DIR: modelsDir }, dataDir);
  });
});

describe('degraded mode and recovery', () => {
  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-models-'));
    writePackage(modelsDir, '1.0.0', Buffer.from('{"schemaVersion": 1, "name": '));
    h = await startHarness({ SIM_RATE_HZ: '20', MODELS_DIR: modelsDir });
    process.env.NEXTAUTH_SECRET = h.secret;
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('starts degraded with the reason, keeps streaming, and recovers by itself when the package is fixed', async () => {
    const res = await health();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; reason: string };
    expect(body.status).toBe('degraded');
    expect(body.reason).toMatch(/twin\.json.*not valid JSON/);
    expect((await req(predict, 'POST', { body: reading, role: 'viewer' })).status).toBe(503);
    const stream = h.handle.services.twin!.pipeline.stream('reactor-1')!;
    await until(() => stream.lastSeq > 3, 3_000, 'points');
    expect(stream.latest()!.flags).toContain('model_unavailable');

    const socket = h.client(await h.sessionCookie('vic', 'viewer'));
    const changes: unknown[] = [];
    socket.on('model:changed', (m) => changes.push(m));
    await until(() => socket.connected, 5_000, 'socket');
    writeFileSync(path.join(modelsDir, 'reactor-yield/1.0.0/twin.json'), twinJson());
    await until(() => h.handle.services.models!.active() !== null, 15_000, 'recovery by the periodic retry');
    expect(((await (await health()).json()) as { status: string }).status).toBe('ok');
    await until(() => changes.length > 0, 3_000, 'model:changed');
    expect(changes).toEqual([{ name: 'reactor-yield', version: '1.0.0' }]);
    const seq = stream.lastSeq;
    await until(() => stream.lastSeq > seq + 2, 3_000, 'points');
    expect(stream.latest()!.prediction).not.toBeNull();
  }, 30_000);

  it('recovers at once when an admin uploads a good package while degraded', async () => {
    await h.stop();
    const empty = mkdtempSync(path.join(os.tmpdir(), 'twinops-models-'));
    h = await startHarness({ SIMULATOR: 'off', MODELS_DIR: empty });
    try {
      expect(((await (await health()).json()) as { status: string }).status).toBe('degraded');
      const res = await req(upload, 'POST', { form: packageForm(twinJson({ version: '2.0.0' })) });
      expect(res.status).toBe(201);
      expect(res.body.active).toBe(true);
      expect(((await (await health()).json()) as { status: string }).status).toBe('ok');
      expect((await req(predict, 'POST', { body: reading, role: 'viewer' })).body.model.version).toBe('2.0.0');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
