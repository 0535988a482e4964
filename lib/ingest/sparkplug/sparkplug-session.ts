/**
 * What a Sparkplug B host application must remember of each edge node (pure, no I/O): whether
 * the node and each of its devices were born, the message sequence number (0-255, shared by all
 * of a node's messages but NDEATH), each device's metric aliases (learnt from DBIRTH) and last
 * values (DDATA reports by exception: only what changed).
 *
 * A message is first *planned* (`plan`), then its effect applied (`apply`) once its readings are
 * queued for a commit; a message that ends up not acknowledged (its commit failed) is delivered
 * again by the broker and must then find the state as it was (`save` puts it back), or its own
 * sequence number would look like a gap.
 *
 * Anything that cannot be interpreted with certainty (data before its birth, an unknown alias,
 * a sequence gap) asks for a rebirth instead of guessing.
 */
import type { SparkplugMetric, SparkplugPayload } from './sparkplug-codec';
import { convert, featuresOnly, rangeIssue, type MappedSignal, type SignalMap } from '../../assets/signal-map';

export type MessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'NCMD' | 'DCMD';

export interface SparkplugTopic {
  group: string;
  type: MessageType;
  edge: string;
  device: string | null;
}

const TYPES = new Set<string>(['NBIRTH', 'NDEATH', 'NDATA', 'DBIRTH', 'DDEATH', 'DDATA', 'NCMD', 'DCMD']);

/** `spBv1.0/<group>/<type>/<edge>[/<device>]`, or null. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'spBv1.0' || parts.length < 4 || parts.length > 5) return null;
  const [, group, type, edge, device] = parts as [string, string, string, string, string | undefined];
  if (!TYPES.has(type) || !group || !edge) return null;
  const isDevice = type.startsWith('D');
  if (isDevice !== (device !== undefined) || device === '') return null;
  return { group, type: type as MessageType, edge, device: device ?? null };
}

interface DeviceState {
  aliases: Map<number, string>;
  /** Last value of each metric, by name. */
  values: Map<string, number>;
}

interface NodeState {
  bdSeq: number | null;
  seq: number;
  devices: Map<string, DeviceState>;
}

/** What the handler must do for one message. */
export interface Plan {
  /** Full signal values of the device at each timestamp, in time order (DDATA; DBIRTH stores none). */
  readings?: { device: string; points: { ts: number; values: Record<string, number> }[] };
  /** Ask the node for its births again (NCMD Node Control/Rebirth), with why. */
  rebirth?: { reason: 'no_birth' | 'seq_gap' | 'unknown_alias'; message: string };
  /** The message was dropped (nothing stored): counted as refused with this reason. */
  refused?: { reason: string; message: string };
  /** Devices that came online (birth) or went offline (death), by name; `*`: every device of the node. */
  online?: string[];
  offline?: { devices: string[]; reason: string };
  /** Applies the message's effect on the session state; call once its readings are committed. */
  apply(): void;
}

const nothing = () => {};

export class SparkplugSessions {
  private readonly nodes = new Map<string, NodeState>();

  /**
   * `signals`: what a device's metrics map to: the model's features by name, or (asset registry)
   * the bound asset's signals by name or tag, with their conversion and, for extras, range.
   */
  constructor(
    private readonly signals: (device: { group: string; edge: string; device: string }) => string[] | SignalMap,
  ) {}

  /** Every device whose birth is known (the registry's rebinding checks them). */
  devices(): { group: string; edge: string; device: string }[] {
    const out: { group: string; edge: string; device: string }[] = [];
    for (const [key, node] of this.nodes) {
      const cut = key.indexOf('/');
      for (const device of node.devices.keys())
        out.push({ group: key.slice(0, cut), edge: key.slice(cut + 1), device });
    }
    return out;
  }

  /**
   * Forgets a device's birth (its asset changed): its next DDATA asks for a rebirth, so aliases
   * and current values are learnt again and read with the new asset's signals. The node's
   * sequence stays (the node itself was not reborn).
   */
  forgetDevice(group: string, edge: string, device: string): void {
    this.nodes.get(`${group}/${edge}`)?.devices.delete(device);
  }

  private mapOf(t: SparkplugTopic): SignalMap {
    const m = this.signals({ group: t.group, edge: t.edge, device: t.device ?? '' });
    return Array.isArray(m) ? featuresOnly(m) : m;
  }

  /**
   * Saves the node's session as it is now; the function returned puts it back. The plant
   * connection applies a plan before its commit settled, and takes it back when the message was
   * not acknowledged (it will be delivered again). `apply` replaces a device's `values` map
   * rather than changing it, and aliases never change, so a copy of the maps of devices is enough.
   */
  save(group: string, edge: string): () => void {
    const key = `${group}/${edge}`;
    const node = this.nodes.get(key);
    const copy: NodeState | undefined = node && {
      bdSeq: node.bdSeq,
      seq: node.seq,
      devices: new Map([...node.devices].map(([name, d]) => [name, { aliases: d.aliases, values: d.values }])),
    };
    return () => {
      if (copy) this.nodes.set(key, copy);
      else this.nodes.delete(key);
    };
  }

  plan(t: SparkplugTopic, p: SparkplugPayload, now = Date.now()): Plan {
    const key = `${t.group}/${t.edge}`;
    const node = this.nodes.get(key);
    switch (t.type) {
      case 'NCMD':
      case 'DCMD':
        // Commands of other host applications (ours are not sent back: no-local subscription).
        return { apply: nothing };
      case 'NBIRTH': {
        const bdSeq = p.metrics.find((m) => m.name === 'bdSeq');
        const fresh: NodeState = {
          bdSeq: typeof bdSeq?.value === 'number' ? bdSeq.value : null,
          seq: p.seq ?? 0,
          devices: new Map(),
        };
        // A (re)birth: every device of the node is unknown until its own DBIRTH.
        return {
          offline: node ? { devices: [...node.devices.keys()], reason: 'node rebirth' } : undefined,
          apply: () => this.nodes.set(key, fresh),
        };
      }
      case 'NDEATH': {
        if (!node) return { apply: nothing };
        const bdSeq = p.metrics.find((m) => m.name === 'bdSeq');
        // A death certificate of an older session (its bdSeq differs) says nothing of this one.
        if (node.bdSeq !== null && typeof bdSeq?.value === 'number' && bdSeq.value !== node.bdSeq)
          return { apply: nothing };
        return {
          offline: { devices: [...node.devices.keys()], reason: 'NDEATH' },
          apply: () => this.nodes.delete(key),
        };
      }
    }
    // Every other message is numbered within the node's session.
    if (!node)
      return {
        rebirth: { reason: 'no_birth', message: `${t.type} before the node's NBIRTH` },
        refused: { reason: 'no_birth', message: `${t.type} before the node's NBIRTH: rebirth requested` },
        apply: nothing,
      };
    const expected = (node.seq + 1) % 256;
    if (p.seq !== expected) {
      return {
        rebirth: { reason: 'seq_gap', message: `seq ${p.seq ?? 'missing'}, expected ${expected}` },
        refused: { reason: 'seq_gap', message: `seq ${p.seq ?? 'missing'}, expected ${expected}: rebirth requested` },
        offline: { devices: [...node.devices.keys()], reason: 'waiting for rebirth (sequence gap)' },
        // Until the rebirth the node's state cannot be trusted.
        apply: () => this.nodes.delete(key),
      };
    }
    const advance = () => {
      node.seq = expected;
    };
    if (t.type === 'NDATA') return { apply: advance };
    const device = t.device!;
    const known = node.devices.get(device);
    if (t.type === 'DBIRTH') {
      const state: DeviceState = { aliases: new Map(), values: new Map() };
      const map = this.mapOf(t);
      for (const m of p.metrics) {
        if (m.name && m.alias !== null) state.aliases.set(m.alias, m.name);
        const signal = signalOf(m.name, map);
        // The birth's current values (as sent): DDATA then reports only what changed.
        if (signal && typeof m.value === 'number' && Number.isFinite(m.value)) state.values.set(signal.name, m.value);
      }
      return {
        online: [device],
        apply: () => {
          advance();
          node.devices.set(device, state);
        },
      };
    }
    if (t.type === 'DDEATH') {
      return {
        offline: { devices: [device], reason: 'DDEATH' },
        apply: () => {
          advance();
          node.devices.delete(device);
        },
      };
    }
    // DDATA
    if (!known)
      return {
        rebirth: { reason: 'no_birth', message: `DDATA of ${device} before its DBIRTH` },
        refused: { reason: 'no_birth', message: `DDATA before the device's DBIRTH: rebirth requested` },
        apply: advance,
      };
    const map = this.mapOf(t);
    const updates: { signal: string; value: number; ts: number }[] = [];
    for (const m of p.metrics) {
      const name = nameOf(m, known);
      if (name === undefined)
        return {
          rebirth: { reason: 'unknown_alias', message: `alias ${m.alias} not in ${device}'s DBIRTH` },
          refused: { reason: 'unknown_alias', message: `metric alias ${m.alias} unknown: rebirth requested` },
          apply: advance,
        };
      const signal = signalOf(name, map)?.name;
      if (!signal) continue;
      if (typeof m.value !== 'number' || !Number.isFinite(m.value))
        return {
          refused: { reason: 'bad_field', message: `metric ${name}: must be a finite number (got ${String(m.value)})` },
          apply: advance,
        };
      updates.push({ signal, value: m.value, ts: m.timestamp ?? p.timestamp ?? now });
    }
    // Only other metrics changed (a mode, a status): no new reading of the signals.
    if (!updates.length) return { apply: advance };
    // A DDATA may carry several samples of a metric (store and forward): one reading per
    // timestamp, in time order, each with the device's values as they were then.
    updates.sort((a, b) => a.ts - b.ts);
    const values = new Map(known.values);
    const readings: { ts: number; values: Record<string, number> }[] = [];
    for (let i = 0; i < updates.length; i++) {
      const u = updates[i]!;
      values.set(u.signal, u.value);
      if (updates[i + 1]?.ts === u.ts) continue;
      const reading: Record<string, number> = {};
      const missing = map.features.filter((s) => !values.has(s));
      if (missing.length)
        return {
          refused: { reason: 'bad_field', message: `no value yet for ${missing.join(', ')} (not in DBIRTH or DDATA)` },
          apply: advance,
        };
      // Stored values: converted (scale/offset); an extra signal outside its range refuses the message.
      for (const sig of map.signals) {
        const raw = values.get(sig.name);
        if (raw === undefined) continue;
        const v = convert(sig, raw);
        const bad = rangeIssue(sig, v);
        if (bad) return { refused: { reason: 'bad_field', message: `metric ${sig.name}: ${bad}` }, apply: advance };
        reading[sig.name] = v;
      }
      readings.push({ ts: u.ts, values: reading });
    }
    return {
      readings: { device, points: readings },
      apply: () => {
        advance();
        known.values = values;
      },
    };
  }
}

/** A metric's name: its own, or the one its alias stood for in the birth; undefined for an unknown alias. */
function nameOf(m: SparkplugMetric, device: DeviceState): string | null | undefined {
  if (m.name) return m.name;
  if (m.alias === null) return null;
  return device.aliases.get(m.alias);
}

/**
 * Metrics map to signals by name or tag; a folder path (`Reactor/temperature`) maps by its last
 * part when the whole path does not.
 */
function signalOf(name: string | null, map: SignalMap): MappedSignal | null {
  if (!name) return null;
  const whole = map.resolve(name);
  if (whole) return whole;
  return map.resolve(name.slice(name.lastIndexOf('/') + 1)) ?? null;
}
