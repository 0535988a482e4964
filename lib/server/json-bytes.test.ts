import { describe, expect, it } from 'vitest';
import { SLICE_ITEMS, hasLongArray, writeJson } from './json-bytes';

/** Bytes writeJson gives, starting from a deliberately tiny buffer so it has to grow. */
function bytesOf(value: Record<string, unknown>): string {
  const { buffer, length } = writeJson(value, Buffer.alloc(8));
  return buffer.subarray(0, length).toString('utf8');
}

const row = (i: number) => ({
  index: i,
  input: { temperature: 300 + i, note: i % 7 === 0 ? 'µ°🙂"\\\n' : 'ok' },
  prediction: i / 3,
  lower: i % 5 === 0 ? null : -i / 7,
});

describe('writeJson', () => {
  it('gives exactly the bytes of JSON.stringify for answers with long arrays', () => {
    for (const n of [SLICE_ITEMS + 1, 2 * SLICE_ITEMS, 2 * SLICE_ITEMS + 1, 1000]) {
      const body = {
        total: n,
        results: Array.from({ length: n }, (_, i) => row(i)),
        errors: [],
        unit: '°C',
        user: 'zoë',
      };
      expect(bytesOf(body)).toBe(JSON.stringify(body));
    }
  });

  it('keeps what JSON.stringify does with undefined, functions, dates and nested values', () => {
    const body = {
      skipped: undefined,
      fn: () => 1,
      when: new Date(Date.UTC(2026, 11, 1)),
      items: Array.from({ length: SLICE_ITEMS * 3 }, (_, i) =>
        i % 3 === 0 ? undefined : i % 3 === 1 ? { at: new Date(i), deep: [[i], { x: [i] }] } : 'é',
      ),
      nan: Number.NaN,
      last: 'end',
    };
    expect(bytesOf(body)).toBe(JSON.stringify(body));
    expect(bytesOf({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(bytesOf({})).toBe('{}');
  });

  it('falls back to JSON.stringify for values that are not plain objects', () => {
    const withToJson = { toJSON: () => ({ replaced: true }), items: Array.from({ length: 100 }, (_, i) => i) };
    expect(bytesOf(withToJson)).toBe('{"replaced":true}');
  });
});

describe('hasLongArray', () => {
  it('is true only for plain objects with a top-level array over the slice size', () => {
    expect(hasLongArray({ results: new Array(SLICE_ITEMS + 1).fill(0) })).toBe(true);
    expect(hasLongArray({ results: new Array(SLICE_ITEMS).fill(0) })).toBe(false);
    expect(hasLongArray({ nested: { results: new Array(500).fill(0) } })).toBe(false);
    expect(hasLongArray(new Array(500).fill(0))).toBe(false);
    expect(hasLongArray('text')).toBe(false);
    expect(hasLongArray(null)).toBe(false);
  });
});
