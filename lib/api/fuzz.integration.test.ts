import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as login } from '@/app/api/v1/auth/login/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { GET as health } from '@/app/api/health/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { addKey, addUser, bearer, call, type CallOptions } from './test-kit';

/**
 * Seeded fuzzing of the two endpoints that take bodies from outside. Every generated body is bad
 * on purpose; the server must answer each with a 4xx JSON error (never a 5xx, a hang or a crash)
 * and stay healthy. Set FUZZ_SEED to replay a failure; the failing case's index and kind are in
 * the assertion message.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES_PER_ROUTE = 1100;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, n: number) => Math.floor(r() * n);

const FEATURES = ['temperature', 'pressure', 'flow'] as const;
const good = () => ({
  ts: Date.now() - 5_000,
  values: { temperature: 350, pressure: 6, flow: 100 } as Record<string, unknown>,
});
const wrongValues: unknown[] = [
  '350',
  '6.0',
  'NaN',
  'Infinity',
  '',
  null,
  true,
  false,
  [],
  [350],
  {},
  { v: 1 },
  '1e309',
  ' 42 ',
  '0x1F',
];
const badTs: unknown[] = [
  'yesterday',
  '2026-13-40T99:99:99Z',
  '2026-11-22T10:00:00',
  -5,
  0,
  1.5,
  true,
  [],
  {},
  null,
  'NaN',
  Number.MAX_VALUE,
];
const rawTokens = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  'undefined',
  "'single'",
  '0x10',
  '+1',
  '.5',
  '01',
];

function deep(levels: number, open: string, close: string, core = '1') {
  return open.repeat(levels) + core + close.repeat(levels);
}

function invalidUtf8(r: Rng): Uint8Array {
  const junk = [
    0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xc0, 0xaf, 0xed, 0xa0, 0x80,
  ];
  const pre = Buffer.from(pick(r, ['{"values":{"temperature":"', '{"username":"', '', '{"', '[']));
  const bytes = Array.from({ length: 1 + int(r, 12) }, () => pick(r, junk));
  const post = Buffer.from(pick(r, ['"}}', '","password":"x"}', '', '}', ']']));
  return new Uint8Array(Buffer.concat([pre, Buffer.from(bytes), post]));
}

/** A bad ingest body: JSON value, raw text or bytes, with the content type to send. */
function badIngest(r: Rng): { kind: string; opts: CallOptions } {
  const kind = pick(r, [
    'wrong-type',
    'number-as-string',
    'missing',
    'unknown-field',
    'unknown-signal',
    'bad-ts',
    'raw-token',
    'top-level',
    'empty-array',
    'deep-array',
    'deep-object',
    'huge',
    'empty',
    'content-type',
    'utf8',
    'truncated',
    'over-batch',
    'batch-one-bad',
    'random-bytes',
    'future',
    'actual',
  ]);
  const body = good();
  switch (kind) {
    case 'wrong-type':
      body.values[pick(r, FEATURES)] = pick(r, wrongValues);
      return { kind, opts: { body } };
    case 'number-as-string':
      body.values[pick(r, FEATURES)] = String(r() * 500);
      return { kind, opts: { body } };
    case 'missing':
      delete body.values[pick(r, FEATURES)];
      return { kind, opts: { body } };
    case 'unknown-field':
      return { kind, opts: { body: { ...body, [pick(r, ['extra', '__proto__x', 'constructor', 'value'])]: 1 } } };
    case 'unknown-signal':
      body.values[pick(r, ['humidity', 'TEMPERATURE', '', ' flow'])] = 1;
      return { kind, opts: { body } };
    case 'bad-ts':
      return { kind, opts: { body: { ...body, ts: pick(r, badTs) } } };
    case 'future':
      return { kind, opts: { body: { ...body, ts: Date.now() + 3_600_000 + int(r, 1e9) } } };
    case 'actual':
      return { kind, opts: { body: { ...body, actual: pick(r, ['0.5', null, [], {}, true]) } } };
    case 'raw-token':
      return { kind, opts: { raw: `{"values":{"temperature":${pick(r, rawTokens)},"pressure":6,"flow":100}}` } };
    case 'top-level':
      return {
        kind,
        opts: {
          raw: pick(r, [
            '1',
            '"reading"',
            'null',
            'true',
            '[]x',
            '{}',
            '[null]',
            '[1,2]',
            '[[]]',
            '{"values":null}',
            '{"values":[]}',
          ]),
        },
      };
    case 'empty-array':
      return { kind, opts: { body: [] } };
    case 'deep-array':
      return { kind, opts: { raw: deep(10_000, '[', ']') } };
    case 'deep-object':
      return { kind, opts: { raw: `{"values":${deep(10_000, '{"a":', '}')}}` } };
    case 'huge':
      return {
        kind,
        opts: { raw: `{"values":{"temperature":350,"pressure":6,"flow":100},"pad":"${'x'.repeat(2 * 1024 * 1024)}"}` },
      };
    case 'empty':
      return { kind, opts: { raw: pick(r, ['', ' ', '\n\t ']) } };
    case 'content-type':
      return {
        kind,
        opts: {
          body,
          contentType: pick(r, [
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/jsonx',
            'json',
            null,
          ]),
        },
      };
    case 'utf8':
      return { kind, opts: { raw: invalidUtf8(r) } };
    case 'truncated': {
      const text = JSON.stringify([good(), good()]);
      return { kind, opts: { raw: text.slice(0, 1 + int(r, text.length - 2)) } };
    }
    case 'over-batch':
      return { kind, opts: { body: Array.from({ length: 21 + int(r, 30) }, good) } };
    case 'batch-one-bad': {
      const items: unknown[] = Array.from({ length: 2 + int(r, 10) }, good);
      const bad = good();
      bad.values[pick(r, FEATURES)] = pick(r, wrongValues);
      items[int(r, items.length)] = bad;
      return { kind, opts: { body: items } };
    }
    default: {
      const bytes = new Uint8Array(1 + int(r, 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
      // Never valid JSON for an object: start with a byte no JSON document starts with.
      bytes[0] = 0x01;
      return { kind: 'random-bytes', opts: { raw: bytes } };
    }
  }
}

/** A bad login body. Well-formed but wrong credentials count too (401, or 429 once locked). */
function badLogin(r: Rng): { kind: string; opts: CallOptions } {
  const kind = pick(r, [
    'wrong-type',
    'missing',
    'too-long',
    'wrong-password',
    'raw-token',
    'deep',
    'huge',
    'empty',
    'content-type',
    'utf8',
    'truncated',
    'top-level',
    'random-bytes',
  ]);
  const user = pick(r, ['admin', 'olivia', 'nobody', 'ADMIN', 'x']);
  switch (kind) {
    case 'wrong-type':
      return {
        kind,
        opts: {
          body: { username: pick(r, [42, null, true, [], {}, ['admin']]), password: pick(r, ['pw', 1, null, [], {}]) },
        },
      };
    case 'missing':
      return {
        kind,
        opts: { body: pick(r, [{ username: user }, { password: 'secret-pass' }, {}, { user, pass: 'x' }]) },
      };
    case 'too-long':
      return {
        kind,
        opts: {
          body: pick(r, [
            { username: 'u'.repeat(65 + int(r, 1000)), password: 'x' },
            { username: user, password: 'p'.repeat(1025 + int(r, 5000)) },
            { username: '   ', password: 'x' },
          ]),
        },
      };
    case 'wrong-password':
      return { kind, opts: { body: { username: user, password: `guess-${int(r, 1e9)}` } } };
    case 'raw-token':
      return { kind, opts: { raw: `{"username":"admin","password":${pick(r, rawTokens)}}` } };
    case 'deep':
      return { kind, opts: { raw: `{"username":${deep(10_000, '[', ']', '"a"')},"password":"x"}` } };
    case 'huge':
      return { kind, opts: { raw: `{"username":"admin","password":"${'p'.repeat(2 * 1024 * 1024)}"}` } };
    case 'empty':
      return { kind, opts: { raw: '' } };
    case 'content-type':
      return {
        kind,
        opts: {
          raw: 'username=admin&password=integration-admin',
          contentType: pick(r, ['application/x-www-form-urlencoded', 'text/plain', null]),
        },
      };
    case 'utf8':
      return { kind, opts: { raw: invalidUtf8(r) } };
    case 'truncated': {
      const text = JSON.stringify({ username: 'admin', password: 'integration-admin' });
      return { kind, opts: { raw: text.slice(0, 1 + int(r, text.length - 2)) } };
    }
    case 'top-level':
      return {
        kind,
        opts: { raw: pick(r, ['[]', '1', '"admin"', 'null', '[{"username":"admin","password":"integration-admin"}]']) },
      };
    default: {
      const bytes = new Uint8Array(1 + int(r, 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
      bytes[0] = 0x01;
      return { kind: 'random-bytes', opts: { raw: bytes } };
    }
  }
}

let h: Harness;
let operatorKey: string;
beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', MAX_INGEST_BATCH: '20', LOGIN_LOCK_SECONDS: '60' });
  process.env.NEXTAUTH_SECRET = h.secret;
  await addUser(h.handle.services, 'olivia', 'operator');
  operatorKey = (await addKey(h.handle.services, 'olivia')).key;
});
afterAll(() => h?.stop());

async function fuzz(
  name: string,
  gen: (r: Rng) => { kind: string; opts: CallOptions },
  send: (
    opts: CallOptions,
    i: number,
  ) => Promise<{ status: number; json: Record<string, unknown> | null; text: string }>,
) {
  const r = mulberry32(SEED ^ name.length);
  const kinds = new Map<string, number>();
  for (let i = 0; i < CASES_PER_ROUTE; i++) {
    const { kind, opts } = gen(r);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const res = await send(opts, i);
    const where = `${name} case ${i} (${kind}, FUZZ_SEED=${SEED}): ${res.text.slice(0, 300)}`;
    expect(res.status >= 400 && res.status < 500, where).toBe(true);
    expect(res.json, where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  }
  return kinds;
}

describe(`fuzzing bad bodies (seed ${SEED})`, () => {
  it(
    `POST /api/v1/assets/:id/telemetry answers ${CASES_PER_ROUTE} bad bodies with 4xx only`,
    { timeout: 240_000 },
    async () => {
      const kinds = await fuzz('ingest', badIngest, (opts) =>
        call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
          ...opts,
          params: { id: 'reactor-1' },
          headers: bearer(operatorKey),
        }),
      );
      expect(kinds.size).toBeGreaterThanOrEqual(20);
      expect(h.handle.services.twin!.pipeline.stats.points).toBe(0);
    },
  );

  it(`POST /api/v1/auth/login answers ${CASES_PER_ROUTE} bad bodies with 4xx only`, { timeout: 240_000 }, async () => {
    const kinds = await fuzz('login', badLogin, (opts, i) =>
      call(h.url, login, '/api/v1/auth/login', { ...opts, address: `10.77.${(i >> 8) & 255}.${i & 255}` }),
    );
    expect(kinds.size).toBeGreaterThanOrEqual(12);
  });

  it('is still healthy afterwards, and a good request still works', async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    const ok = await call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
      params: { id: 'reactor-1' },
      body: good(),
      headers: bearer(operatorKey),
    });
    expect(ok.status).toBe(201);
  });
});
