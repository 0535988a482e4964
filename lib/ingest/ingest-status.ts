/**
 * What an admin needs to see of the plant connection: per asset, the last refused message
 * (when, which source, why) and the last accepted one; per Sparkplug device, online or offline;
 * the broker connection's state; the latest refusals whatever their asset (an unknown asset
 * has no entry of its own). In memory, per process: it describes this process's connection.
 * Every refusal is also counted in `twinops_ingest_rejected_total` and logged (rate-limited, a
 * publisher sending garbage at 1 kHz must not flood the log).
 */
import type { Logger } from '../log';
import { recordIngestRejected } from '../metrics';

export type IngestSource = 'http' | 'mqtt' | 'sparkplug';

export interface Rejection {
  at: string;
  source: IngestSource;
  /** Short code, the metric's `reason` label: not_json, unknown_asset, bad_field, future_ts, ... */
  reason: string;
  message: string;
  topic?: string;
  assetId?: string;
}

export interface SparkplugDeviceState {
  group: string;
  edge: string;
  device: string;
  online: boolean;
  /** When it went online (birth) or offline (death). */
  since: string;
  /** Why it is offline: DDEATH, NDEATH, or waiting for the rebirth we asked for. */
  reason?: string;
}

export interface AssetIngestStatus {
  assetId: string;
  lastAccepted: { at: string; source: IngestSource } | null;
  lastError: Rejection | null;
  rejected: number;
  sparkplug: SparkplugDeviceState | null;
}

export interface ConnectionState {
  enabled: boolean;
  /** The broker, without credentials. */
  broker?: string;
  clientId?: string;
  connected: boolean;
  lastConnectedAt: string | null;
  lastError: string | null;
  reconnects: number;
  subscriptions: string[];
}

export interface IngestStatusReport {
  mqtt: ConnectionState;
  assets: AssetIngestStatus[];
  /** Newest first, at most RECENT_MAX. */
  recentRejections: Rejection[];
}

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

  /** `knownAsset` keeps entries to real assets (an unknown id from a topic must not grow the map). */
  /** Told when a Sparkplug device dies (DDEATH, NDEATH): the source monitor marks the asset offline. */
  onDeviceOffline: ((assetId: string, reason: string) => void) | null = null;

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

  report(): IngestStatusReport {
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
