/**
 * The one importer of `sparkplug-payload` (Eclipse Tahu's Sparkplug B protobuf codec): decodes
 * payloads into plain domain values (numbers, not protobuf Longs) and encodes the one command
 * twinops sends, the rebirth request.
 */
import { get } from 'sparkplug-payload';
import type * as SparkplugB from 'sparkplug-payload/lib/sparkplugbpayload';

// `get` returns null only for an unknown namespace.
const codec = get('spBv1.0')!;

export type MetricValue = number | boolean | string | null;

export interface SparkplugMetric {
  name: string | null;
  alias: number | null;
  /** epoch ms */
  timestamp: number | null;
  /** Sparkplug type name (Int32, Float, Double, Boolean, String, ...). */
  type: string | null;
  value: MetricValue;
}

export interface SparkplugPayload {
  timestamp: number | null;
  /** 0-255; absent in NDEATH. */
  seq: number | null;
  metrics: SparkplugMetric[];
}

/** protobuf's 64-bit Long (or a number) -> number; null when absent. */
function num(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function')
    return (v as { toNumber(): number }).toNumber();
  return null;
}

function value(v: unknown): MetricValue {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  const n = num(v);
  // DataSets, Templates and Bytes carry no signal value.
  return n;
}

/** Throws on bytes that are not a Sparkplug B payload. */
export function decodeSparkplug(bytes: Uint8Array): SparkplugPayload {
  const p = codec.decodePayload(bytes);
  return {
    timestamp: num(p.timestamp),
    seq: num(p.seq),
    metrics: (p.metrics ?? []).map((m) => ({
      name: m.name ?? null,
      alias: num(m.alias),
      timestamp: num(m.timestamp),
      type: typeof m.type === 'string' ? m.type : null,
      value: m.isNull ? null : value(m.value),
    })),
  };
}

/** An NCMD payload asking an edge node to publish its births again. */
export function encodeRebirthRequest(now = Date.now()): Buffer {
  return Buffer.from(
    codec.encodePayload({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }),
  );
}

/** For tests and tools that play an edge node. */
export function encodeSparkplug(payload: {
  timestamp?: number;
  seq?: number;
  metrics: {
    name?: string;
    alias?: number;
    type: SparkplugB.TypeStr;
    value: number | boolean | string;
    timestamp?: number;
  }[];
}): Buffer {
  return Buffer.from(codec.encodePayload(payload as SparkplugB.UPayload));
}
