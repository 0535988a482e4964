import { afterEach, describe, expect, it, vi } from 'vitest';
import { fieldErrorsByFeature, predict, predictBatch } from './api';

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body: unknown) {
  const fetchMock = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('model API calls', () => {
  it('sends the values as JSON to the predict endpoint, same-origin', async () => {
    const fetchMock = answer(200, {
      prediction: 87.3,
      lower: 85.1,
      upper: 89,
      unit: '%',
      model: { name: 'm', version: '1' },
      inferenceMs: 0.4,
    });
    const res = await predict({ temperature: 360, pressure: 6, flow: 100 });
    expect(res.prediction).toBe(87.3);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/twin/predict');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(JSON.parse(String(init?.body))).toEqual({ temperature: 360, pressure: 6, flow: 100 });
  });

  it('wraps batch inputs as {inputs}', async () => {
    const fetchMock = answer(200, { results: [], errors: [], inferenceMs: 1 });
    await predictBatch([{ temperature: 300 }]);
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/v1/twin/batch');
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ inputs: [{ temperature: 300 }] });
  });
});

describe('fieldErrorsByFeature', () => {
  it('files errors under their feature and keeps the rest apart', () => {
    const { byFeature, other } = fieldErrorsByFeature(
      [
        { field: 'temperature', message: 'too hot' },
        { field: 'temperature', message: 'really' },
        { field: 'speed', message: 'speed is not a model feature' },
        { field: '(body)', message: 'bad body' },
      ],
      ['temperature', 'pressure'],
    );
    expect(byFeature).toEqual({ temperature: 'too hot; really' });
    expect(other).toEqual(['speed is not a model feature', 'bad body']);
  });
});
