import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, loadModelPackage, type InputIssue, type TwinModel } from './index';
import { removeDir, tempDir, writeLinearPackage } from './test-fixtures';

let dir: string;
let model: TwinModel;

beforeAll(async () => {
  dir = await tempDir();
  await writeLinearPackage(dir);
  model = await loadModelPackage(dir);
});
afterAll(async () => {
  await model?.dispose();
  await removeDir(dir);
});

const good = { temperature: 350, pressure: 5.5, flow: 100 };

function issues(input: unknown): InputIssue[] {
  const result = model.check(input);
  if (result.ok) throw new Error('expected issues');
  return result.errors;
}

describe('input validation from twin.json', () => {
  it('accepts every feature inside its range, boundaries included, and returns the row in input order', () => {
    expect(model.validate({ flow: 100, temperature: 350, pressure: 5.5 })).toEqual([350, 5.5, 100]);
    expect(model.check({ temperature: 300, pressure: 10, flow: 50 })).toEqual({ ok: true, row: [300, 10, 50] });
  });

  it('reports a missing feature', () => {
    expect(issues({ temperature: 350, flow: 100 })).toEqual([
      { field: 'pressure', code: 'missing', message: 'pressure is missing' },
    ]);
  });

  it('reports an unknown feature', () => {
    expect(issues({ ...good, humidity: 3 })).toEqual([
      {
        field: 'humidity',
        code: 'unknown',
        message: 'humidity is not a model feature (features: temperature, pressure, flow)',
      },
    ]);
  });

  it('rejects numeric strings and other non-numbers', () => {
    expect(issues({ ...good, pressure: '5.5' })).toEqual([
      { field: 'pressure', code: 'not_a_number', message: 'pressure must be a number, got string "5.5"' },
    ]);
    expect(issues({ ...good, pressure: null })[0]!.message).toBe('pressure must be a number, got null');
    expect(issues({ ...good, pressure: true })[0]!.message).toBe('pressure must be a number, got boolean');
  });

  it('rejects NaN and ±Infinity', () => {
    expect(issues({ ...good, flow: Number.NaN })).toEqual([
      { field: 'flow', code: 'not_finite', message: 'flow must be a finite number, got NaN' },
    ]);
    expect(issues({ ...good, flow: Infinity })[0]).toMatchObject({
      code: 'not_finite',
      message: 'flow must be a finite number, got Infinity',
    });
    expect(issues({ ...good, flow: -Infinity })[0]).toMatchObject({
      code: 'not_finite',
      message: 'flow must be a finite number, got -Infinity',
    });
  });

  it('reports out-of-range values with the limit they broke', () => {
    expect(issues({ ...good, temperature: 450 })).toEqual([
      {
        field: 'temperature',
        code: 'out_of_range',
        message: 'temperature=450 is above the valid maximum 400 °C',
        min: 300,
        max: 400,
      },
    ]);
    expect(issues({ ...good, pressure: 0.5 })).toEqual([
      {
        field: 'pressure',
        code: 'out_of_range',
        message: 'pressure=0.5 is below the valid minimum 1 bar',
        min: 1,
        max: 10,
      },
    ]);
  });

  it('lists every bad field at once', () => {
    const all = issues({ temperature: 299, pressure: 'x', extra: 1, other: 2 });
    expect(all.map((i) => [i.field, i.code])).toEqual([
      ['temperature', 'out_of_range'],
      ['pressure', 'not_a_number'],
      ['flow', 'missing'],
      ['extra', 'unknown'],
      ['other', 'unknown'],
    ]);
  });

  it('rejects inputs that are not objects', () => {
    for (const input of [null, 42, 'temperature=350', [350, 5, 100]]) {
      expect(issues(input)).toEqual([
        {
          field: '',
          code: 'not_an_object',
          message: 'input must be an object of feature values (temperature, pressure, flow)',
        },
      ]);
    }
  });

  it('throws InputValidationError from validate and predict', async () => {
    expect(() => model.validate({ ...good, temperature: 450 })).toThrow(InputValidationError);
    const error = await model.predict({ temperature: 450, pressure: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((i) => i.field)).toEqual(['temperature', 'flow']);
    expect((error as Error).message).toBe(
      'invalid model input: temperature=450 is above the valid maximum 400 °C; flow is missing',
    );
  });

  it('names the item of every bad field in an all-or-nothing batch', async () => {
    const error = (await model
      .predictBatch([good, { ...good, flow: 'x' }, good, {}])
      .catch((e: unknown) => e)) as InputValidationError;
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error.issues.map((i) => [i.index, i.field, i.code])).toEqual([
      [1, 'flow', 'not_a_number'],
      [3, 'temperature', 'missing'],
      [3, 'pressure', 'missing'],
      [3, 'flow', 'missing'],
    ]);
  });
});

describe('feature aliases (the shipped model accepts the reference service’s `temp`)', () => {
  let shipped: TwinModel;
  beforeAll(async () => {
    shipped = await loadModelPackage('models/reactor-yield/1.0.0');
  });
  afterAll(() => shipped?.dispose());

  it('scores a reading that names temperature `temp` exactly like one that names it `temperature`', async () => {
    const viaAlias = await shipped.predict({ temp: 360, pressure: 6, flow: 100 });
    const viaName = await shipped.predict({ temperature: 360, pressure: 6, flow: 100 });
    expect(viaAlias.prediction).toBe(viaName.prediction);
  });

  it('refuses a reading that gives both names, and lists aliases among the features', () => {
    const both = shipped.check({ temp: 360, temperature: 360, pressure: 6, flow: 100 });
    expect(both).toEqual({
      ok: false,
      errors: [
        { field: 'temp', code: 'unknown', message: 'temp is another name for temperature; send only one of them' },
      ],
    });
    const unknown = shipped.check({ temperature: 360, pressure: 6, flow: 100, humidity: 1 });
    expect(unknown.ok ? '' : unknown.errors[0]?.message).toBe(
      'humidity is not a model feature (features: temperature (or temp), pressure, flow)',
    );
  });
});
