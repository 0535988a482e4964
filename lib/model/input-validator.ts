/**
 * Input checks generated from twin.json's feature list: every feature present, a real finite
 * number (numeric strings are refused: a client that sends "5.5" has a bug worth surfacing),
 * inside its valid range, and nothing else. Every bad field is reported, not just the first.
 * A feature may also arrive under one of its `aliases` (the reference service's clients send
 * `temp` for temperature), never under both names at once.
 */
import type { InputIssue } from './errors';
import type { FeatureManifest } from './manifest';

export interface InputValidator {
  /**
   * Writes the features of a valid input into `row` starting at `offset` (input order) and
   * returns null; otherwise returns the issues and leaves `row` partly written.
   */
  read(input: unknown, row: { [i: number]: number }, offset: number): InputIssue[] | null;
}

export function createInputValidator(features: readonly FeatureManifest[]): InputValidator {
  const names = features.map((f) => f.name);
  const known = new Set(names);
  const count = features.length;
  const listed = features
    .map((f) => (f.aliases?.length ? `${f.name} (or ${f.aliases.join(', ')})` : f.name))
    .join(', ');
  const canonical = new Map<string, string>(
    features.flatMap((f) => (f.aliases ?? []).map((a): [string, string] => [a, f.name])),
  );

  /** Without allocating: the live pipeline checks every reading, nearly none uses an alias. */
  function usesAlias(record: Record<string, unknown>): boolean {
    if (canonical.size === 0) return false;
    for (const key in record) if (canonical.has(key) && Object.hasOwn(record, key)) return true;
    return false;
  }

  /** The record with aliases renamed, or the same object when it uses none. */
  function renamed(record: Record<string, unknown>): Record<string, unknown> {
    if (!usesAlias(record)) return record;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      const name = canonical.get(key);
      // Both names given: keep the alias as is, so it is reported rather than silently chosen.
      if (name !== undefined && !Object.hasOwn(record, name)) out[name] = value;
      else out[key] = value;
    }
    return out;
  }

  function issuesOf(record: Record<string, unknown>): InputIssue[] {
    const issues: InputIssue[] = [];
    for (const f of features) {
      if (!Object.hasOwn(record, f.name)) {
        issues.push({ field: f.name, code: 'missing', message: `${f.name} is missing` });
        continue;
      }
      const issue = valueIssue(f, record[f.name]);
      if (issue) issues.push(issue);
    }
    for (const key of Object.keys(record)) {
      if (known.has(key)) continue;
      const name = canonical.get(key);
      issues.push(
        name
          ? { field: key, code: 'unknown', message: `${key} is another name for ${name}; send only one of them` }
          : { field: key, code: 'unknown', message: `${key} is not a model feature (features: ${listed})` },
      );
    }
    return issues;
  }

  return {
    read(input, row, offset) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        return [{ field: '', code: 'not_an_object', message: `input must be an object of feature values (${listed})` }];
      }
      const record = renamed(input as Record<string, unknown>);
      // Fast path (the live pipeline's every reading): all good, checked without allocating.
      let keys = 0;
      for (const key in record) if (Object.hasOwn(record, key)) keys++;
      let good = keys === count;
      for (let i = 0; good && i < count; i++) {
        const f = features[i]!;
        const v = record[f.name];
        if (typeof v === 'number' && v >= f.min && v <= f.max && Object.hasOwn(record, f.name)) row[offset + i] = v;
        else good = false;
      }
      return good ? null : issuesOf(record);
    },
  };
}

function valueIssue(f: FeatureManifest, v: unknown): InputIssue | null {
  if (typeof v !== 'number') {
    const shown = typeof v === 'string' ? `string ${JSON.stringify(v)}` : v === null ? 'null' : typeof v;
    return { field: f.name, code: 'not_a_number', message: `${f.name} must be a number, got ${shown}` };
  }
  if (!Number.isFinite(v)) {
    return { field: f.name, code: 'not_finite', message: `${f.name} must be a finite number, got ${v}` };
  }
  const unit = f.unit ? ` ${f.unit}` : '';
  if (v < f.min) {
    return {
      field: f.name,
      code: 'out_of_range',
      message: `${f.name}=${v} is below the valid minimum ${f.min}${unit}`,
      min: f.min,
      max: f.max,
    };
  }
  if (v > f.max) {
    return {
      field: f.name,
      code: 'out_of_range',
      message: `${f.name}=${v} is above the valid maximum ${f.max}${unit}`,
      min: f.min,
      max: f.max,
    };
  }
  return null;
}
