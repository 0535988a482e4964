/**
 * How an asset's outside readings become stored values (issue 15): a value may be keyed by the
 * signal's name or by its source tag (`TI-101.PV`), is converted linearly (raw * scale + offset)
 * and, for an extra signal, must lie in its valid range. The model's features are required in
 * every reading; their range is the model's business (out of range: stored, flagged, unscored).
 * Shared by HTTP ingest, MQTT JSON and Sparkplug B.
 */
import type { AssetSignal } from './types';

export interface MappedSignal {
  name: string;
  feature: boolean;
  min: number;
  max: number;
  scale: number;
  offset: number;
}

export interface SignalMap {
  /** Identifies the mapping (schema caches are keyed by it). */
  key: string;
  /** Required in every reading, in the model's order. */
  features: string[];
  signals: MappedSignal[];
  /** The signal a value key (name or tag) stands for. */
  resolve(key: string): MappedSignal | undefined;
}

export interface ValueIssue {
  /** The key as sent (a name or a tag), or the missing feature's name. */
  key: string;
  message: string;
}

function build(signals: MappedSignal[], tags: Map<string, MappedSignal>, key: string): SignalMap {
  const byName = new Map(signals.map((s) => [s.name, s]));
  return {
    key,
    features: signals.filter((s) => s.feature).map((s) => s.name),
    signals,
    resolve: (k) => byName.get(k) ?? tags.get(k),
  };
}

/** The mapping of an asset of the registry (its signals resolved against the serving model). */
export function signalMap(signals: readonly AssetSignal[]): SignalMap {
  const mapped: MappedSignal[] = [];
  const tags = new Map<string, MappedSignal>();
  for (const s of signals) {
    const m = { name: s.name, feature: s.feature, min: s.min, max: s.max, scale: s.scale ?? 1, offset: s.offset ?? 0 };
    mapped.push(m);
    if (s.tag) tags.set(s.tag, m);
  }
  const key = signals
    .map((s) =>
      [s.name, s.feature ? 'f' : 'x', s.min, s.max, s.tag ?? '', s.scale ?? '', s.offset ?? ''].join('\u0001'),
    )
    .join('\u0000');
  return build(mapped, tags, key);
}

/** The mapping of an asset the registry does not describe: the model's features by name, as sent. */
export function featuresOnly(features: readonly string[]): SignalMap {
  const mapped = features.map((name) => ({ name, feature: true, min: -Infinity, max: Infinity, scale: 1, offset: 0 }));
  return build(mapped, new Map(), features.join('\u0000'));
}

const expected = (map: SignalMap) => map.signals.map((s) => s.name).join(', ');

/** One value as stored. */
export const convert = (s: MappedSignal, raw: number): number =>
  s.scale === 1 && s.offset === 0 ? raw : raw * s.scale + s.offset;

/** A value outside an extra signal's valid range, or null. */
export function rangeIssue(s: MappedSignal, value: number): string | null {
  if (s.feature || (value >= s.min && value <= s.max)) return null;
  return `${value} is outside ${s.name}'s valid range [${s.min}, ${s.max}]`;
}

/**
 * A reading's values as sent -> as stored (names, converted). `requireFeatures` false for
 * Sparkplug's by-exception data, whose carried-over values the session completes.
 */
export function mapValues(
  raw: Record<string, number>,
  map: SignalMap,
  requireFeatures = true,
): { values: Record<string, number>; issues: ValueIssue[] } {
  const values: Record<string, number> = {};
  const issues: ValueIssue[] = [];
  if (requireFeatures)
    for (const f of map.features) {
      const s = map.resolve(f)!;
      if (!(f in raw) && !Object.keys(raw).some((k) => map.resolve(k) === s))
        issues.push({ key: f, message: `${f} is required` });
    }
  for (const k of Object.keys(raw)) {
    const s = map.resolve(k);
    if (!s) {
      issues.push({ key: k, message: `unknown signal "${k}"; expected ${expected(map)} (or their tags)` });
      continue;
    }
    if (s.name in values) {
      issues.push({ key: k, message: `${s.name} is given twice (by its name and by its tag)` });
      continue;
    }
    const v = convert(s, raw[k]!);
    const bad = rangeIssue(s, v);
    if (bad) issues.push({ key: k, message: bad });
    values[s.name] = v;
  }
  return { values, issues };
}
