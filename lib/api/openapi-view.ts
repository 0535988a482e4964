/**
 * Flattens the OpenAPI document into what the /docs page shows: operations grouped by tag, each
 * with its role, body fields and responses as readable rows (name, type, required, notes).
 */
export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  notes: string;
}

export interface OperationView {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string | null;
  role: string;
  body: { fields: FieldRow[]; schema: unknown } | null;
  responses: { status: string; description: string; contentType: string | null; fields: FieldRow[] }[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short type name of a JSON Schema node: `string`, `number[]`, `object`, `A | B`. */
export function typeName(s: unknown, depth = 0): string {
  if (!isObj(s) || depth > 4) return 'any';
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop() ?? 'object';
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.map((u) => typeName(u, depth + 1)).join(' | ');
  if (Array.isArray(s.enum)) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const t = Array.isArray(s.type) ? s.type.join(' | ') : typeof s.type === 'string' ? s.type : 'any';
  if (t === 'array') return `${typeName(s.items, depth + 1)}[]`;
  if (t === 'object' && isObj(s.additionalProperties) && !isObj(s.properties))
    return `{[name]: ${typeName(s.additionalProperties, depth + 1)}}`;
  return t;
}

function notes(s: Json): string {
  const parts: string[] = [];
  if (typeof s.description === 'string') parts.push(s.description);
  if (typeof s.format === 'string') parts.push(`format ${s.format}`);
  for (const [k, label] of [
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
    ['minItems', 'min items'],
    ['maxItems', 'max items'],
  ] as const) {
    if (typeof s[k] === 'number') parts.push(`${label} ${s[k]}`);
  }
  return parts.join('; ');
}

/** Rows for an object schema's properties, nested objects and arrays of objects as dotted names. */
export function fieldRows(schema: unknown, prefix = '', depth = 0): FieldRow[] {
  if (!isObj(schema) || depth > 4) return [];
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    // One-or-many bodies: show the single item's fields.
    const objectBranch = union.find((u) => isObj(u) && isObj(u.properties));
    if (objectBranch) return fieldRows(objectBranch, prefix, depth + 1);
  }
  if (!isObj(schema.properties))
    return prefix ? [] : [{ name: '(body)', type: typeName(schema), required: true, notes: notes(schema) }];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const rows: FieldRow[] = [];
  for (const [name, prop] of Object.entries(schema.properties)) {
    if (!isObj(prop)) continue;
    const full = prefix ? `${prefix}.${name}` : name;
    rows.push({ name: full, type: typeName(prop), required: required.has(name), notes: notes(prop) });
    if (isObj(prop.properties)) rows.push(...fieldRows(prop, full, depth + 1));
    else if (prop.type === 'array' && isObj(prop.items) && isObj(prop.items.properties))
      rows.push(...fieldRows(prop.items, `${full}[]`, depth + 1));
  }
  return rows;
}

/** Operations of an OpenAPI document, grouped by their first tag, in path order. */
export function operationsByTag(doc: Json): Map<string, OperationView[]> {
  const groups = new Map<string, OperationView[]>();
  const paths = isObj(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isObj(op)) continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'other';
      const bodySchema =
        isObj(op.requestBody) && isObj(op.requestBody.content)
          ? (op.requestBody.content['application/json'] as Json | undefined)?.schema
          : undefined;
      const responses = Object.entries(isObj(op.responses) ? op.responses : {}).map(([status, r]) => {
        const res = isObj(r) ? r : {};
        const content = isObj(res.content) ? res.content : null;
        const contentType = content ? (Object.keys(content)[0] ?? null) : null;
        const schema = content && contentType ? (content[contentType] as Json | undefined)?.schema : undefined;
        const description =
          typeof res.description === 'string'
            ? res.description
            : typeof res.$ref === 'string'
              ? `Error (see ${res.$ref.split('/').pop()})`
              : '';
        return { status, description, contentType, fields: schema ? fieldRows(schema) : [] };
      });
      const view: OperationView = {
        id: typeof op.operationId === 'string' ? op.operationId : `${method}-${path}`,
        method: method.toUpperCase(),
        path,
        summary: typeof op.summary === 'string' ? op.summary : '',
        description: typeof op.description === 'string' ? op.description : null,
        role: typeof op['x-required-role'] === 'string' ? op['x-required-role'] : 'viewer',
        body: bodySchema ? { fields: fieldRows(bodySchema), schema: bodySchema } : null,
        responses,
      };
      groups.set(tag, [...(groups.get(tag) ?? []), view]);
    }
  }
  return groups;
}
