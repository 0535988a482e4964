import { describe, expect, it } from 'vitest';
import { findProtoKey, protoKeyIn } from './prototype-keys';

describe('prototype keys in JSON bodies', () => {
  it('finds __proto__ at the top, in nested objects and in arrays, by its path', () => {
    expect(findProtoKey(JSON.parse('{"a":1,"__proto__":{"x":1}}'))).toBe('__proto__');
    expect(findProtoKey(JSON.parse('{"values":{"__proto__":5}}'))).toBe('values.__proto__');
    expect(findProtoKey(JSON.parse('{"inputs":[{"t":1},{"__proto__":null}]}'))).toBe('inputs.1.__proto__');
  });

  it('finds the key spelled with \\u escapes, and passes bodies without it', () => {
    const text = '{"\\u005f_proto__": 1, "temperature": 360}';
    expect(protoKeyIn(text, JSON.parse(text))).toBe('__proto__');
    const clean = '{"constructor": 1, "temperature": 360, "name": "caf\\u00e9"}';
    expect(protoKeyIn(clean, JSON.parse(clean))).toBeNull();
  });

  it('walks a body nested as deep as JSON.parse accepts without overflowing', () => {
    const depth = 5000;
    const text = '['.repeat(depth) + '{"\\u005f_proto__":1}' + ']'.repeat(depth);
    expect(protoKeyIn(text, JSON.parse(text))).toMatch(/__proto__$/);
  });
});
