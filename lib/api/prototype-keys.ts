/**
 * JSON keys that name JavaScript's object machinery (`__proto__`) are refused in every request
 * body, at any depth. JSON.parse keeps `{"__proto__": ...}` as an own key, but zod's records and
 * plain-object copies drop it without a word, so such a key was silently ignored where every
 * other unknown key is refused. Reading it here, once, covers every endpoint that reads JSON.
 * (`constructor`, `prototype` and the like are plain own keys after JSON.parse; the schemas'
 * strict objects and the model's feature check already refuse them as unknown.)
 */

/** The key no schema may ever accept. */
const PROTO = '__proto__';

/**
 * Cheap test on the raw text: the key can only be there if the text spells it, literally or with
 * `\u` escapes (`"\u005f_proto__"` parses to the same key). Most bodies skip the walk.
 */
function mayHoldProtoKey(text: string): boolean {
  return text.includes(PROTO) || text.includes('\\u');
}

/**
 * The dotted path of the first `__proto__` key in a parsed JSON value, or null. Iterative: a body
 * nested as deep as JSON.parse allows must not overflow the stack here.
 */
export function findProtoKey(value: unknown): string | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: v, path } = next;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, String(i)] });
      continue;
    }
    if (Object.hasOwn(v, PROTO)) return [...path, PROTO].join('.');
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** `findProtoKey` for a body parsed from `text`, skipping the walk when the text cannot hold one. */
export function protoKeyIn(text: string, parsed: unknown): string | null {
  return mayHoldProtoKey(text) ? findProtoKey(parsed) : null;
}
