import { describe, expect, it } from 'vitest';
import { CsvError, parseNumericCsv } from './csv';
import { tableFromCsv } from './dataset';

function csvError(text: string): CsvError {
  try {
    parseNumericCsv(text, 'runs.csv');
  } catch (e) {
    if (e instanceof CsvError) return e;
    throw e;
  }
  throw new Error('expected a CsvError');
}

describe('parseNumericCsv', () => {
  it('reads a header and numeric rows (CRLF, quoted header names, exponents, trailing newline)', () => {
    const table = parseNumericCsv(
      '"temperature",pressure,flow,yield\r\n350,5.5,100,88.1\r\n-1e2,+.5,7.,1E-3\r\n\r\n',
      'runs.csv',
    );
    expect(table.columns).toEqual(['temperature', 'pressure', 'flow', 'yield']);
    expect(table.rows).toBe(2);
    expect(Array.from(table.values)).toEqual([350, 5.5, 100, 88.1, -100, 0.5, 7, 0.001]);
  });

  it('names the line and column of a value that is not a number', () => {
    const e = csvError('temperature,pressure,flow,yield\n350,5.5,100,88\n351,abc,100,88\n');
    expect(e.message).toBe('runs.csv:3 column "pressure": "abc" is not a number');
    expect([e.line, e.column]).toEqual([3, 'pressure']);
  });

  it('rejects empty cells, NaN and Infinity spelled out', () => {
    expect(csvError('a,b\n1,\n').message).toBe('runs.csv:2 column "b": is empty; expected a number');
    expect(csvError('a,b\nNaN,1\n').message).toBe('runs.csv:2 column "a": "NaN" is not a number');
    expect(csvError('a,b\n1,Infinity\n').message).toBe('runs.csv:2 column "b": "Infinity" is not a number');
  });

  it('rejects rows with the wrong number of fields, blank lines, duplicate or empty headers, empty files', () => {
    expect(csvError('a,b\n1,2\n1,2,3\n').message).toBe('runs.csv:3: has 3 fields; the header has 2');
    expect(csvError('a,b\n1,2\n\n3,4\n').message).toBe('runs.csv:3: blank line inside the data');
    expect(csvError('a,a\n1,2\n').message).toBe('runs.csv:1 column "a": appears twice in the header');
    expect(csvError('a,,b\n').message).toBe('runs.csv:1: header column 2 is empty');
    expect(csvError('').message).toBe('runs.csv:1: empty file; expected a header row');
  });
});

describe('tableFromCsv', () => {
  const rows = Array.from({ length: 12 }, (_, i) => `${340 + i},${5 + i / 10},${90 + i},${i * 1.5},${80 + i}`).join(
    '\n',
  );

  it('takes the target column out and every other column, in order, as a feature', () => {
    const table = tableFromCsv(
      parseNumericCsv(`temperature,pressure,flow,catalyst_age,yield\n${rows}\n`, 'r.csv'),
      'yield',
      'r.csv',
    );
    expect(table.features.map((f) => f.name)).toEqual(['temperature', 'pressure', 'flow', 'catalyst_age']);
    // Known signals keep their metadata; others get their observed range.
    expect(table.features[0]).toMatchObject({ label: 'Temperature', unit: '°C', min: 300, max: 400 });
    expect(table.features[3]).toMatchObject({ label: 'catalyst_age', unit: '', min: 0, max: 16.5 });
    expect(table.target).toEqual({ name: 'yield', label: 'Yield', unit: '%' });
    expect(table.y[1]).toBe(81);
    expect(Array.from(table.x.subarray(4, 8))).toEqual([341, 5.1, 91, 1.5]);
  });

  it('says which target it could not find', () => {
    expect(() => tableFromCsv(parseNumericCsv(`a,b,c,d,e\n${rows}\n`, 'r.csv'), 'yield', 'r.csv')).toThrow(
      'r.csv:1: the header has no target column "yield" (columns: a, b, c, d, e)',
    );
  });
});
