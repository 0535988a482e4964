/**
 * What an admin needs to see of the plant connection: per asset, the last refused message
 * (when, which source, why) and the last accepted one; per Sparkplug device, online or offline;
 * the broker connection's state; the latest refusals whatever their asset (an unknown asset
 * has no entry of its own). In memory, per process; clustered, the report adds the other
 * instances' own reports (`setPeerReports`, shared through Redis: lib/cluster/ingest-status-figures.ts),
 * while the MQTT connection stays this process's.
 * Every refusal is also counted in `twinops_ingest_rejected_total` and logged (rate-limited, a
 * publisher sending garbage at 1 kHz must not flood the log).
 */
import type { Logger } from '../log';
import { recordIngestRejected } from '../metrics';

import type {
  AssetIngestStatus,
  ConnectionState,
  IngestSource,
  IngestStatusReport,
  Rejection,
  SparkplugDeviceState,
} from './ingest-status-schema';

// The shapes are the schema's (one definition for the API document, the cluster exchange and these).
export type { AssetIngestStatus, ConnectionState, IngestSource, IngestStatusReport, Rejection, SparkplugDeviceState };

const RECENT_MAX = 50;
const LOG_EVERY_MS = 10_000;

export class IngestStatus {
  private readonly assets = new Map<string, AssetIngestStatus>();
  private readonly recent: Rejection[] = [];
  private readonly logged = new Map<string, { at: number; suppressed: number }>();
  private connection: ConnectionState = {
    enabled: false,
    connected: false,
    lastConnectedAt: null,
    lastError: null,
    reconnects: 0,
    subscriptions: [],
  };

  /** The other instances' own reports (clustered); none by default. */
  private peerReports: () => readonly IngestStatusReport[] = () => [];

  /** Told when a Sparkplug device dies (DDEATH, NDEATH): the source monitor marks the asset offline. */
  onDeviceOffline: ((assetId: string, reason: string) => void) | null = null;

  /** `knownAsset` keeps entries to real assets (an unknown id from a topic must not grow the map). */
  constructor(
    private readonly log: Logger,
    private readonly knownAsset: (id: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts, remembers and logs one refusal; the message was acknowledged and nothing was stored. */
  reject(r: Omit<Rejection, 'at'>): void {
    const rejection: Rejection = { at: new Date(this.now()).toISOString(), ...r };
    recordIngestRejected(r.source, r.reason);
    this.recent.unshift(rejection);
    if (this.recent.length > RECENT_MAX) this.recent.pop();
    if (r.assetId && this.knownAsset(r.assetId)) {
      const a = this.entry(r.assetId);
      a.lastError = rejection;
      a.rejected++;
    }
    // HTTP refusals are already in the access log with their status.
    if (r.source !== 'http') this.logRejection(rejection);
  }

  accepted(assetId: string, source: IngestSource): void {
    this.entry(assetId).lastAccepted = { at: new Date(this.now()).toISOString(), source };
  }

  sparkplugState(assetId: string, state: Omit<SparkplugDeviceState, 'since'>): void {
    if (!this.knownAsset(assetId)) return;
    const a = this.entry(assetId);
    if (a.sparkplug && a.sparkplug.online === state.online && a.sparkplug.reason === state.reason) return;
    a.sparkplug = { ...state, since: new Date(this.now()).toISOString() };
    if (!state.online) this.onDeviceOffline?.(assetId, `Sparkplug ${state.reason ?? 'death'}`);
  }

  updateConnection(patch: Partial<ConnectionState>): void {
    this.connection = { ...this.connection, ...patch };
  }

  asset(assetId: string): AssetIngestStatus | null {
    return this.assets.get(assetId) ?? null;
  }

  /** Where the other instances' own reports come from (clustered). */
  setPeerReports(read: () => readonly IngestStatusReport[]): void {
    this.peerReports = read;
  }

  /** What the admin sees: this process's report, with the other instances' when clustered. */
  report(): IngestStatusReport {
    return mergeIngestReports(this.ownReport(), this.peerReports());
  }

  /** This process's own view (its connection, the messages it took or refused): what it shares. */
  ownReport(): IngestStatusReport {
    return {
      mqtt: { ...this.connection },
      assets: [...this.assets.values()].map((a) => ({ ...a })).sort((x, y) => x.assetId.localeCompare(y.assetId)),
      recentRejections: [...this.recent],
    };
  }

  private entry(assetId: string): AssetIngestStatus {
    let a = this.assets.get(assetId);
    if (!a) {
      a = { assetId, lastAccepted: null, lastError: null, rejected: 0, sparkplug: null };
      this.assets.set(assetId, a);
    }
    return a;
  }

  private logRejection(r: Rejection): void {
    const key = `${r.source}|${r.reason}|${r.topic ?? ''}`;
    const seen = this.logged.get(key);
    const t = this.now();
    if (seen && t - seen.at < LOG_EVERY_MS) {
      seen.suppressed++;
      return;
    }
    this.logged.set(key, { at: t, suppressed: 0 });
    if (this.logged.size > 1_000) this.logged.clear();
    this.log.warn(
      { source: r.source, topic: r.topic, reason: r.reason, assetId: r.assetId, suppressedSinceLast: seen?.suppressed },
      `ingest message refused: ${r.message}`,
    );
  }
}

/** The later of two timed entries (either may be missing). */
const newer = <T extends { at: string } | null>(a: T, b: T): T => (!a ? b : !b ? a : b.at > a.at ? b : a);

/**
 * One cluster-wide ingest status from each instance's own (readings of one asset reach whichever
 * instance a gateway or the broker picked): per asset the newest accepted and refused message and
 * the refusals added up, the newest Sparkplug state, the newest refusals of all; the MQTT
 * connection stays the answering instance's. Times are ISO strings in UTC, so they order as text.
 */
export function mergeIngestReports(own: IngestStatusReport, peers: readonly IngestStatusReport[]): IngestStatusReport {
  if (!peers.length) return own;
  const assets = new Map<string, AssetIngestStatus>();
  for (const report of [own, ...peers])
    for (const a of report.assets) {
      const seen = assets.get(a.assetId);
      if (!seen) {
        assets.set(a.assetId, { ...a });
        continue;
      }
      seen.lastAccepted = newer(seen.lastAccepted, a.lastAccepted);
      seen.lastError = newer(seen.lastError, a.lastError);
      seen.rejected += a.rejected;
      if (a.sparkplug && (!seen.sparkplug || a.sparkplug.since > seen.sparkplug.since)) seen.sparkplug = a.sparkplug;
    }
  const recentRejections = [own, ...peers]
    .flatMap((r) => r.recentRejections)
    .sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0))
    .slice(0, RECENT_MAX);
  return {
    mqtt: own.mqtt,
    assets: [...assets.values()].sort((x, y) => x.assetId.localeCompare(y.assetId)),
    recentRejections,
  };
}
