import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { boolArray, fromEpochMs, nestedTextArrays, numberArray, textArray } from './array-params';
import type { Database } from './client';

/** The database's reading of each array literal, in order: what the bulk statements insert. */
describe.each(DB_TARGETS)('array literal parameters on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  }, 60_000);
  afterAll(() => database?.drop());

  const column = async <T>(literal: string, type: string, expr = 'x'): Promise<T[]> => {
    const res = (await database.db.execute(
      sql`select ${sql.raw(expr)} as v from unnest(${literal}::${sql.raw(type)}) with ordinality as u(x, i) order by i`,
    )) as unknown as { rows: { v: T }[] };
    return res.rows.map((r) => r.v);
  };

  it('keeps every text as it was, quotes, backslashes, braces, commas, the word NULL, nulls and repeats included', async () => {
    const texts = [
      'plain',
      'with "quote"',
      'with "quote"',
      'back\\slash\\',
      '{braces},commas',
      ' spaces ',
      '',
      'NULL',
      null,
      'ünïcødé ✓',
      'ünïcødé ✓',
      'plain',
    ];
    expect(await column<string | null>(textArray(texts), 'text[]')).toEqual(texts);
  });

  it('keeps every float8 exactly, with null, NaN and the infinities', async () => {
    const numbers = [0, -1.5, 0.1 + 0.2, 1e21, 5e-324, Number.MAX_VALUE, -123456.789, null, NaN, Infinity, -Infinity];
    const got = await column<number | string | null>(numberArray(numbers), 'float8[]');
    expect(got.map((v) => (v === null ? null : Number(v)))).toEqual(numbers);
  });

  it('keeps finite float8 exactly when no element needs the slow path (exponents, nulls)', async () => {
    const numbers = [0, -1.5, 0.1 + 0.2, 1e21, 5e-324, Number.MAX_VALUE, -123456.789, null, 1.7976931348623157e308];
    const got = await column<number | string | null>(numberArray(numbers), 'float8[]');
    expect(got.map((v) => (v === null ? null : Number(v)))).toEqual(numbers);
    // An absent value (a reading without `actual`) is a NULL too.
    expect(await column<number | null>(numberArray([1, undefined, 2]), 'float8[]')).toEqual([1, null, 2]);
  });

  it('keeps int8 and bool arrays', async () => {
    const seqs = [0, 1, 2 ** 53 - 1, null];
    expect(
      (await column<string | number | null>(numberArray(seqs), 'int8[]')).map((v) => (v === null ? null : Number(v))),
    ).toEqual(seqs);
    expect(await column<boolean>(boolArray([true, false, true]), 'bool[]')).toEqual([true, false, true]);
  });

  it('gives each row its own text[] (ragged flags)', async () => {
    const flags = [
      ['ingested', 'out_of_range'],
      ['ingested', 'out_of_range'],
      ['ingested'],
      [],
      [],
      ['a "quoted", braced {flag}'],
      ['back\\slash'],
      ['ingested'],
    ];
    expect(await column<string[]>(nestedTextArrays(flags), 'text[]', 'x::text[]')).toEqual(flags);
  });

  it('turns epoch milliseconds into the same instant, to the millisecond', async () => {
    const times = [1, 999, 1_765_000_000_123, Date.parse('2026-03-29T01:00:00.001Z'), 4_102_444_799_999];
    for (let i = 0; i < 200; i++) times.push(Math.floor(Math.random() * 4_102_444_800_000));
    const back = await column<number | string>(
      numberArray(times),
      'float8[]',
      `round(extract(epoch from ${fromEpochMs('x')}::timestamptz(3)) * 1000)::float8`,
    );
    expect(back.map(Number)).toEqual(times);
  });
});
