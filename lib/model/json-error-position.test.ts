import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from './json-error-position';

describe('jsonErrorPosition', () => {
  it('accepts valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9"], "b": {}}\n', '"s"', '0']) {
      expect(jsonErrorPosition(text), text).toBeNull();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('points at the first offending character', () => {
    expect(jsonErrorPosition('{\n  "name": "x",\n  "version": \n}\n')).toEqual({ line: 4, column: 1 });
    expect(jsonErrorPosition('{"a": 1,}')).toEqual({ line: 1, column: 9 });
    expect(jsonErrorPosition("{'a': 1}")).toEqual({ line: 1, column: 2 });
    expect(jsonErrorPosition('{"a": 01}')).toEqual({ line: 1, column: 8 });
    expect(jsonErrorPosition('[1, 2')).toEqual({ line: 1, column: 6 });
    expect(jsonErrorPosition('{} x')).toEqual({ line: 1, column: 4 });
    expect(jsonErrorPosition('')).toEqual({ line: 1, column: 1 });
  });
});
