/**
 * PostgreSQL array literals for the bulk statements' parameters (`unnest($1::float8[], ...)`),
 * written here instead of handing node-postgres a JS array: its serializer runs a regex escape and
 * a type dispatch on every element, numbers included, which was ~10 % of the console's CPU under
 * bench:ingest on PostgreSQL. The literals are plain text parameters, so PGlite takes them too.
 * (A JSON parameter with `json_to_recordset` is cheaper still on our side but costs the database
 * ~3x the parsing time of arrays, and the database shares the machine's cores.)
 */

/** `{1.5,NULL,...}` for float8[] / int8[] / int[]; NaN and +-Infinity as PostgreSQL spells them. */
export function numberArray(values: readonly (number | null | undefined)[]): string {
  let finite = true;
  for (let i = 0; i < values.length && finite; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && !Number.isFinite(v)) finite = false;
  }
  // JSON.stringify writes a number list ~1.7x faster than string concatenation, and its `null`
  // (for null and undefined) is a NULL to array_in (case-insensitive); it has no NaN or
  // Infinity, hence the check.
  if (finite) return `{${JSON.stringify(values).slice(1, -1)}}`;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    // String() gives NaN, Infinity, -Infinity and exponents (1e+21) in forms float8 accepts.
    out += v === null || v === undefined ? 'NULL' : String(v);
  }
  return out + '}';
}

/** `{"a","b\"c",NULL}` for text[]: every element quoted, `"` and `\` escaped. */
export function textArray(values: readonly (string | null | undefined)[]): string {
  let out = '{';
  // A commit's rows come sorted by asset, and share a model version: quote each run once.
  let prev: string | null = null;
  let quoted = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else {
      if (v !== prev) {
        prev = v;
        quoted = quote(v);
      }
      out += quoted;
    }
  }
  return out + '}';
}

/** `{t,f}` for bool[]. */
export function boolArray(values: readonly boolean[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + (values[i] ? 't' : 'f');
  return out + '}';
}

/**
 * A text[] element holding a PostgreSQL array literal of its own: for a ragged text[][] column
 * (each row's flags), sent as text[] and cast row by row (`u.flags::text[]`).
 */
export function nestedTextArrays(rows: readonly (readonly string[])[]): string {
  // Rows mostly carry the same flags (each its own array): write a run of equal ones once.
  let prev: readonly string[] | null = null;
  let literal = '';
  const literals = rows.map((items) => {
    if (!prev || items.length !== prev.length || items.some((f, k) => f !== prev![k])) {
      prev = items;
      literal = textArray(items);
    }
    return literal;
  });
  return textArray(literals);
}

/**
 * SQL for a timestamptz from epoch milliseconds (a float8 expression, e.g. an element of a
 * `numberArray`): exact for whole milliseconds, since the division's error is far below the
 * microsecond to_timestamp rounds to (checked over 2 million random times of 1970-2100), and
 * cheaper than an ISO string on both sides.
 */
export function fromEpochMs(expr: string): string {
  return `to_timestamp(${expr} / 1000.0)`;
}

const NEEDS_ESCAPE = /["\\]/;

function quote(s: string): string {
  return `"${NEEDS_ESCAPE.test(s) ? s.replace(/["\\]/g, '\\$&') : s}"`;
}
