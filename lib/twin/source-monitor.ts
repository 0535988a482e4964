/**
 * Stale and offline sources. Every point an asset publishes counts as a sign of life of its
 * source; when none arrives for longer than `staleAfterIntervals` x the asset's expected interval,
 * the asset is stale. A source can also be declared dead (`markOffline`: a Sparkplug NDEATH /
 * DDEATH, a gateway saying goodbye). Fresh data makes the asset live again.
 *
 * Status changes go to `onStatus` (the socket broadcast); on every check each asset's age (seconds
 * without data) goes to `onAge`, which feeds the alert engine's `source:stale` pseudo-signal, so a
 * stale source raises an alert like any other (banner, Alerts page, webhook) and clears with it.
 *
 * The clock is injected and `check()` is public: tests step time instead of sleeping. An asset
 * is judged once it has sent something, in this process or before it (`seed`, from the newest
 * stored reading); an asset that never sent anything has no expected rhythm yet.
 */
export type SourceState = 'live' | 'stale' | 'offline';

export interface SourceStatus {
  assetId: string;
  state: SourceState;
  /** Time (epoch ms) of the newest reading received from the source; null: none yet. */
  lastTs: number | null;
  /** When the state last changed (epoch ms, the monitor's clock). */
  changedAt: number;
  /** Why it is offline (e.g. "Sparkplug NDEATH"); null otherwise. */
  reason: string | null;
}

export interface SourceMonitorOptions {
  assetIds: readonly string[];
  /** The interval (ms) at which the asset's source is expected to send. */
  intervalMs: (assetId: string) => number;
  staleAfterIntervals: number;
  now?: () => number;
  onStatus: (status: SourceStatus) => void;
  /** Seconds without data of each judged asset, at `at` (a dead source counts as past the limit). */
  onAge?: (assetId: string, ageSeconds: number, at: number) => void;
  /** Clustered mode (issue 16): only the assets this instance owns are judged here. */
  owns?: (assetId: string) => boolean;
}

interface Entry extends SourceStatus {
  /** When the last reading arrived (monitor clock); null: never. */
  lastArrival: number | null;
}

export class SourceMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SourceMonitorOptions) {
    this.now = opts.now ?? Date.now;
    for (const id of opts.assetIds) this.add(id);
  }

  /** Starts judging an asset (one added at run time, e.g. by the asset registry). */
  add(assetId: string): void {
    if (this.entries.has(assetId)) return;
    this.entries.set(assetId, {
      assetId,
      state: 'live',
      lastTs: null,
      changedAt: this.now(),
      reason: null,
      lastArrival: null,
    });
  }

  /**
   * The newest stored reading of an asset, from before this process started: it is judged from
   * now on as if that reading had just arrived (so a source that died while the console was down
   * goes stale one limit after the start), showing "no data since" that reading's time.
   */
  seed(assetId: string, lastTs: number): void {
    const e = this.entries.get(assetId);
    if (!e || e.lastArrival !== null) return; // a reading of this process already counts
    e.lastTs = lastTs;
    e.lastArrival = this.now();
  }

  /**
   * Clustered mode: this instance just took the asset over; it is judged from now on as if its
   * newest stored reading (`lastTs`, when there is one) had just arrived.
   */
  takeOver(assetId: string, lastTs: number | undefined): void {
    const e = this.entries.get(assetId);
    if (!e) return;
    e.lastArrival = lastTs === undefined ? null : this.now();
    if (lastTs !== undefined && (e.lastTs === null || lastTs > e.lastTs)) e.lastTs = lastTs;
  }

  /**
   * Clustered mode: the status the asset's owner judged (another instance), kept so that this
   * instance's `all()` answers as the owner would. Ignored for an asset judged here.
   */
  adopt(status: SourceStatus): void {
    const e = this.entries.get(status.assetId);
    if (!e || !this.opts.owns || this.opts.owns(status.assetId)) return;
    Object.assign(e, {
      state: status.state,
      lastTs: status.lastTs,
      changedAt: status.changedAt,
      reason: status.reason,
    });
  }

  /** Stops judging a retired asset. */
  remove(assetId: string): void {
    this.entries.delete(assetId);
  }

  /** How long (ms) without data makes `assetId` stale. */
  limitMs(assetId: string): number {
    return this.opts.staleAfterIntervals * this.opts.intervalMs(assetId);
  }

  /** A reading (point time `ts`) of `assetId` arrived: its source is alive. */
  observe(assetId: string, ts: number): void {
    const e = this.entries.get(assetId);
    if (!e) return;
    const now = this.now();
    e.lastArrival = now;
    if (e.lastTs === null || ts > e.lastTs) e.lastTs = ts;
    if (e.state !== 'live') {
      this.set(e, 'live', null, now);
      this.opts.onAge?.(assetId, 0, now);
    }
  }

  /**
   * The source of `assetId` is known to be dead (Sparkplug NDEATH/DDEATH...): offline at once,
   * until its next reading. Returns false for an unknown asset.
   */
  markOffline(assetId: string, reason: string): boolean {
    const e = this.entries.get(assetId);
    if (!e) return false;
    const now = this.now();
    if (e.state !== 'offline' || e.reason !== reason) this.set(e, 'offline', reason, now);
    this.opts.onAge?.(assetId, this.ageSeconds(e, now), now);
    return true;
  }

  /** Judges every asset at the current time; run by the timer, and by tests with their clock. */
  check(): void {
    const now = this.now();
    for (const e of this.entries.values()) {
      if (this.opts.owns && !this.opts.owns(e.assetId)) continue;
      if (e.lastArrival === null && e.state !== 'offline') continue;
      if (e.state === 'live' && now - e.lastArrival! > this.limitMs(e.assetId)) this.set(e, 'stale', null, now);
      this.opts.onAge?.(e.assetId, this.ageSeconds(e, now), now);
    }
  }

  status(assetId: string): SourceStatus | undefined {
    const e = this.entries.get(assetId);
    return e ? publicStatus(e) : undefined;
  }

  all(): SourceStatus[] {
    return [...this.entries.values()].map(publicStatus);
  }

  start(periodMs: number): void {
    this.stop();
    this.timer = setInterval(() => this.check(), periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private ageSeconds(e: Entry, now: number): number {
    const age = e.lastArrival === null ? 0 : (now - e.lastArrival) / 1000;
    if (e.state !== 'offline') return age;
    // Dead is worse than stale: past the stale limit at once, whatever the age.
    return Math.max(age, (this.limitMs(e.assetId) + this.opts.intervalMs(e.assetId)) / 1000);
  }

  private set(e: Entry, state: SourceState, reason: string | null, now: number): void {
    e.state = state;
    e.reason = reason;
    e.changedAt = now;
    this.opts.onStatus(publicStatus(e));
  }
}

function publicStatus({ lastArrival: _lastArrival, ...status }: Entry): SourceStatus {
  return status;
}
