/**
 * Sparkplug B as a TopicHandler: `spBv1.0/<group>/...` for the configured groups. Decodes the
 * protobuf payload, keeps each node's session (births, aliases, sequence), turns DDATA into
 * readings of the bound asset (durable ingest, PUBACK after the commit), asks for a rebirth
 * (NCMD `Node Control/Rebirth`) when it cannot interpret a message, and marks an asset's source
 * offline on DDEATH/NDEATH.
 */
import type { IngestStatus } from '../ingest-status';
import { afterCommit, submitOf, type IngestTarget } from '../mqtt/json-handler';
import { PUBACK_BAD_PAYLOAD, PUBACK_REFUSED, type Handled, type Outcome, type TopicHandler } from '../mqtt/mqtt-ingest';
import { decodeSparkplug, encodeRebirthRequest, type SparkplugPayload } from './sparkplug-codec';
import { parseSparkplugTopic, SparkplugSessions } from './sparkplug-session';

/**
 * Which asset a device feeds (the asset registry's bindings, lib/assets/asset-registry.ts
 * `sparkplugAsset`); undefined: none.
 */
export type SparkplugResolver = (group: string, edge: string, device: string) => string | undefined;

export interface SparkplugHandler extends TopicHandler {
  /**
   * The registry's bindings changed: every device known here that now resolves to another asset
   * than the one it was born for is forgotten (its next DDATA waits for a DBIRTH, read with the
   * new asset's signals; aliases are learnt afresh). With `requestRebirth` (the instance that made
   * the change) its node, and the nodes named in `nodes`, are asked for births (NCMD) at once.
   * Devices born for one of `assets` are forgotten too (that asset's tags or conversions changed).
   */
  rebound(opts: { requestRebirth: boolean; nodes?: { group: string; edge: string }[]; assets?: string[] }): void;
}

/** One rebirth request per node at most this often: a node that keeps sending data must not be flooded. */
const REBIRTH_EVERY_MS = 5_000;
/** As for HTTP and JSON readings (lib/twin/ingest.ts). */
const MAX_FUTURE_MS = 5 * 60_000;

export function sparkplugHandler(opts: {
  groups: string[];
  resolve: SparkplugResolver;
  target: IngestTarget;
  status: IngestStatus;
  /** Sends on the plant connection (set once it exists). */
  publish: (topic: string, payload: Buffer) => void;
  now?: () => number;
}): SparkplugHandler {
  const { target, status } = opts;
  const now = opts.now ?? Date.now;
  // An unbound device gets its path as a name: never an asset id (ids have no `/`), so refused.
  const assetOf = (group: string, edge: string, device: string) =>
    opts.resolve(group, edge, device) ?? `${group}/${edge}/${device}`;
  /** The asset each device was born for (`group/edge/device` -> asset), to notice a rebind. */
  const bornFor = new Map<string, string>();
  const sessions = new SparkplugSessions(
    ({ group, edge, device }) => target.signals?.(assetOf(group, edge, device)) ?? target.features(),
  );
  const groups = new Set(opts.groups);
  const submit = submitOf(target);
  const lastRebirth = new Map<string, number>();

  const requestRebirth = (group: string, edge: string, force = false) => {
    const key = `${group}/${edge}`;
    const t = now();
    if (!force && t - (lastRebirth.get(key) ?? -Infinity) < REBIRTH_EVERY_MS) return;
    lastRebirth.set(key, t);
    opts.publish(`spBv1.0/${group}/NCMD/${edge}`, encodeRebirthRequest(t));
  };

  return {
    // Node messages have four levels, device messages five.
    filters: opts.groups.flatMap((g) => [`spBv1.0/${g}/+/+`, `spBv1.0/${g}/+/+/+`]),
    accepts: (topic) => topic.startsWith('spBv1.0/'),
    async handle(topic, bytes): Promise<Handled> {
      const t = parseSparkplugTopic(topic);
      if (!t || !groups.has(t.group)) {
        status.reject({ source: 'sparkplug', reason: 'bad_topic', message: 'not a Sparkplug B topic', topic });
        return { ack: true, reasonCode: PUBACK_REFUSED };
      }
      const assetId = t.device ? assetOf(t.group, t.edge, t.device) : undefined;
      let payload: SparkplugPayload;
      try {
        payload = decodeSparkplug(bytes);
      } catch (err) {
        status.reject({
          source: 'sparkplug',
          reason: 'undecodable',
          message: `not a Sparkplug B payload: ${(err as Error).message}`,
          topic,
          ...(assetId ? { assetId } : {}),
        });
        return { ack: true, reasonCode: PUBACK_BAD_PAYLOAD };
      }
      const plan = sessions.plan(t, payload, now());
      // The plan is applied as soon as the message is staged (the next message of the node is
      // planned against it); should the message not be acknowledged after all, the plant
      // connection takes it back (`undo`, newest first) before the broker delivers it again.
      const undo = sessions.save(t.group, t.edge);
      const staged = (outcome: Outcome | Promise<Outcome>): Handled => ({
        committed: Promise.resolve(outcome),
        undo,
      });
      if (plan.rebirth) requestRebirth(t.group, t.edge);
      let committed: Promise<Outcome> | null = null;
      if (plan.readings) {
        const asset = assetOf(t.group, t.edge, plan.readings.device);
        if (!target.hasAsset(asset)) {
          plan.apply();
          status.reject({
            source: 'sparkplug',
            reason: 'unknown_asset',
            message: `no asset for device ${t.group}/${t.edge}/${plan.readings.device} (bind one in Admin -> Assets)`,
            topic,
          });
          return staged({ ack: true, reasonCode: PUBACK_REFUSED });
        }
        if (plan.readings.points.some((r) => r.ts > now() + MAX_FUTURE_MS)) {
          plan.apply();
          status.reject({
            source: 'sparkplug',
            reason: 'future_ts',
            message: 'timestamp is more than 5 minutes in the future',
            topic,
            assetId: asset,
          });
          return staged({ ack: true, reasonCode: PUBACK_BAD_PAYLOAD });
        }
        let submitted: { committed: Promise<unknown> };
        try {
          // Queued for the next commit (shared with the messages around it); PUBACK after it.
          submitted = await submit(plan.readings.points.map((r) => ({ assetId: asset, ts: r.ts, values: r.values })));
        } catch (error) {
          // Not queued: the state stays as it was, the redelivered message must find it so.
          return { ack: false, error };
        }
        committed = afterCommit(submitted.committed, () => status.accepted(asset, 'sparkplug'));
      }
      plan.apply();
      const where = (device: string) => ({ group: t.group, edge: t.edge, device });
      for (const d of plan.online ?? []) {
        bornFor.set(`${t.group}/${t.edge}/${d}`, assetOf(t.group, t.edge, d));
        status.sparkplugState(assetOf(t.group, t.edge, d), { ...where(d), online: true });
      }
      for (const d of plan.offline?.devices ?? [])
        status.sparkplugState(assetOf(t.group, t.edge, d), {
          ...where(d),
          online: false,
          reason: plan.offline!.reason,
        });
      if (plan.refused) {
        status.reject({ source: 'sparkplug', ...plan.refused, topic, ...(assetId ? { assetId } : {}) });
        return staged({
          ack: true,
          reasonCode: plan.refused.reason === 'bad_field' ? PUBACK_BAD_PAYLOAD : PUBACK_REFUSED,
        });
      }
      return staged(committed ?? { ack: true });
    },
    rebound({ requestRebirth: ask, nodes = [], assets = [] }) {
      const wanted = new Map(nodes.filter((n) => groups.has(n.group)).map((n) => [`${n.group}/${n.edge}`, n]));
      for (const d of sessions.devices()) {
        const key = `${d.group}/${d.edge}/${d.device}`;
        const was = bornFor.get(key);
        const moved = was !== assetOf(d.group, d.edge, d.device);
        if (!moved && !(was !== undefined && assets.includes(was))) continue;
        sessions.forgetDevice(d.group, d.edge, d.device);
        bornFor.delete(key);
        wanted.set(`${d.group}/${d.edge}`, d);
        // The asset it fed has lost its source (until something else feeds it).
        if (moved && was !== undefined) status.sparkplugState(was, { ...d, online: false, reason: 'binding changed' });
      }
      if (ask) for (const n of wanted.values()) requestRebirth(n.group, n.edge, true);
    },
  };
}
