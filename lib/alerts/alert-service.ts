/**
 * The alert service: the one face of alarm handling for the console, the API and the tests.
 * The engine (alarm-engine.ts) evaluates points and stores raises and clears in order per rule;
 * operators' handling of one alarm (alarm-handling.ts), rule administration (rule-admin.ts) and
 * out of service (out-of-service.ts) are files of their own, all working through the engine.
 *
 * Alarms follow ISA-18.2 (the transitions themselves are guarded in lib/db/alarm-state-repo.ts,
 * each with its journal row): raised -> active_unacked; acknowledged -> active_acked; the
 * condition returns -> rtn_unacked when nobody acknowledged it yet (it stays listed until
 * acknowledged; if the condition comes back first, the same alarm is active_unacked again) or
 * normal (closed) when acknowledged. An active alarm can be shelved (one-shot: until it returns;
 * timed: until the engine's clock passes the shelf, then active_unacked again; unshelved by hand:
 * active_acked). A rule or a whole asset out of service is not evaluated at all; its alarms wait,
 * hidden, in `out_of_service` and go back to the state they had when it returns to service.
 * While an asset's source is stale or offline its process alarms are suppressed by design
 * (suppression.ts): its `source:stale` alarm stands for them.
 */
import type { NewRule } from '../db/alerts-repo';
import type { Point } from '../twin/types';
import { AlarmEngine, type Actor, type AlertServiceOptions } from './alarm-engine';
import {
  acknowledgeAlarm,
  expireShelves,
  maxShelveSeconds,
  setMaxShelveSeconds,
  shelveAlarm,
  unshelveAlarm,
  type ShelveRequest,
} from './alarm-handling';
import { returnToService, takeOutOfService } from './out-of-service';
import { shelveRule, updateRule } from './rule-admin';
import { reconcileAll, reconcileSuppression } from './suppression';
import { reloadAsset, reloadRules, type RulesChange } from './stored-changes';
import type { AlertEvent, AlertRule, AlertSeverity, OutOfService, RuleChanges } from './types';

export { PEAK_PUSH_MS, type Actor, type AlertBroadcaster, type AlertServiceOptions } from './alarm-engine';
export { MAX_SHELVE_SETTING, type ShelveRequest } from './alarm-handling';
export { defaultRules, validateRule } from './rule-admin';
export type { RulesChange } from './stored-changes';

export class AlertService {
  private readonly engine: AlarmEngine;
  private readonly storedListeners = new Set<(change: RulesChange) => void>();

  constructor(opts: AlertServiceOptions) {
    this.engine = new AlarmEngine(opts);
    this.engine.onTick = (now) => expireShelves(this.engine, now);
    this.engine.onSourceChange = (assetId, at) => reconcileSuppression(this.engine, assetId, at);
  }

  /** Seeds missing default rules, loads all rules and reloads the open alerts. */
  async start(defaults: NewRule[]): Promise<void> {
    await this.engine.start(defaults);
    reconcileAll(this.engine, this.engine.now());
  }

  /**
   * Seeds the default rules still missing (a model with other features was activated) and starts
   * evaluating them at once. Rules that exist, edited or not, are left alone. Returns how many
   * were added.
   */
  addDefaults(defaults: NewRule[]): Promise<number> {
    return this.engine.addDefaults(defaults);
  }

  /** The pipeline's hook: synchronous, never throws, never waits for I/O. */
  onPoint(assetId: string, point: Point): void {
    this.engine.onPoint(assetId, point);
  }

  /**
   * One value of one signal at time `ts` (epoch ms; minimum durations are measured in it), for
   * values that are not pipeline points: the plant's drift PSI per feature. Evaluated exactly like
   * a point's value by every rule of (assetId, signal). Synchronous, never throws.
   */
  onSignal(assetId: string, signal: string, value: number, ts: number): void {
    this.engine.onSignal(assetId, signal, value, ts);
  }

  /** Acknowledges an active alert. Unknown -> AlertNotFoundError; cleared or acknowledged -> AlertConflictError. */
  acknowledge(id: number, actor: Actor, comment: string | null): Promise<AlertEvent> {
    return acknowledgeAlarm(this.engine, id, actor, comment);
  }

  /** Changes a rule; effective for the next point. */
  async updateRule(id: string, changes: RuleChanges, actor: Actor): Promise<AlertRule> {
    const rule = await updateRule(this.engine, id, changes, actor);
    this.stored({ ruleId: id });
    return rule;
  }

  /** Shelves a rule for `minutes` (raises nothing meanwhile), or unshelves it with null. */
  async shelve(id: string, minutes: number | null, actor: Actor): Promise<AlertRule> {
    const rule = await shelveRule(this.engine, id, minutes, actor);
    this.stored({ ruleId: id });
    return rule;
  }

  /**
   * Clustered mode (issue 16): this instance just took the asset over, so its alarms may have
   * been raised or changed by the previous owner: the engine continues from the stored ones.
   */
  reloadAsset(assetId: string): Promise<void> {
    return reloadAsset(this.engine, assetId);
  }

  /** Calls `listener` after a rule change was stored here (other instances are told; lib/cluster/alert-sync.ts). */
  onRulesStored(listener: (change: RulesChange) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  private stored(change: RulesChange): void {
    for (const l of this.storedListeners) {
      try {
        l(change);
      } catch (err) {
        this.engine.log.warn({ err }, 'rules listener failed');
      }
    }
  }

  /** Applies what another instance stored (the database is the truth). */
  reload(change: RulesChange): Promise<void> {
    return reloadRules(this.engine, change);
  }

  /** The engine's rules (what it evaluates now). */
  rules(assetId?: string): AlertRule[] {
    return this.engine.rules(assetId);
  }

  /**
   * `alert` as the engine knows it now: an open alert's stored peak is only written when it clears,
   * so the API shows the live one instead.
   */
  current(alert: AlertEvent): AlertEvent {
    return this.engine.current(alert);
  }

  /** Open alerts by severity, for the metrics gauge. */
  openCounts(): Record<AlertSeverity, number> {
    return this.engine.openCounts();
  }

  /** The longest timed shelf an operator may ask for (seconds): the admin's setting, else 8 h. */
  maxShelveSeconds(): Promise<number> {
    return maxShelveSeconds(this.engine);
  }

  /** Sets the maximum shelving time (admins; audited). */
  setMaxShelveSeconds(seconds: number, actor: Actor): Promise<number> {
    return setMaxShelveSeconds(this.engine, seconds, actor);
  }

  /**
   * Shelves one active alarm: one-shot (`durationSeconds` null: until it returns to normal) or
   * timed (10 s up to the admin's maximum, else 400 naming `durationSeconds`). A reason is
   * required. Audited and journaled; it leaves the operator's list and the badge meanwhile.
   */
  shelveAlarm(id: number, req: ShelveRequest, actor: Actor): Promise<AlertEvent> {
    return shelveAlarm(this.engine, id, req, actor);
  }

  /** Takes an alarm off the shelf by hand: still active, so `active_acked`. Audited and journaled. */
  unshelveAlarm(id: number, actor: Actor, comment: string | null): Promise<AlertEvent> {
    return unshelveAlarm(this.engine, id, actor, comment);
  }

  /**
   * The engine's clock: timed shelves that have run out by `now` bring their alarm back as
   * `active_unacked` (journaled `shelf_expired`). Called every second by the console; tests call
   * it with the time they want, so nothing sleeps.
   */
  tick(now?: number): Promise<void> {
    return this.engine.tick(now);
  }

  /**
   * Takes a rule (scope `rule`, its id) or a whole asset (scope `asset`) out of service: it is not
   * evaluated any more, and its open alarms go `out_of_service` (hidden from operators). Admins;
   * audited and journaled.
   */
  async takeOutOfService(
    scope: 'rule' | 'asset',
    target: string,
    reason: string,
    actor: Actor,
  ): Promise<{ entry: OutOfService; alarms: AlertEvent[] }> {
    const out = await takeOutOfService(this.engine, scope, target, reason, actor);
    this.resuppress(scope, target);
    this.stored({ service: true });
    return out;
  }

  /** Out of service changes which alarms the `source:stale` rule of the asset stands for. */
  private resuppress(scope: 'rule' | 'asset', target: string): void {
    const assetId = scope === 'asset' ? target : this.engine.tracked.get(target)?.rule.assetId;
    if (assetId) reconcileSuppression(this.engine, assetId, this.engine.now());
  }

  /** Returns a rule or an asset to service: evaluated again from the next point, its alarms back in the state they had. */
  async returnToService(
    scope: 'rule' | 'asset',
    target: string,
    comment: string | null,
    actor: Actor,
  ): Promise<AlertEvent[]> {
    const back = await returnToService(this.engine, scope, target, comment, actor);
    this.resuppress(scope, target);
    this.stored({ service: true });
    return back;
  }

  /** Runs `tick` every `everyMs` (the console: every second) until `close`. */
  startClock(everyMs = 1_000): void {
    this.engine.startClock(everyMs);
  }

  /** Assets whose process alarms are suppressed now (their source is stale or offline). */
  suppressed(): string[] {
    return [...this.engine.suppressedAssets];
  }

  /** What is out of service now. */
  outOfService(): { rules: string[]; assets: string[] } {
    return { rules: [...this.engine.oosRules], assets: [...this.engine.oosAssets] };
  }

  get ready(): boolean {
    return this.engine.ready;
  }

  /** Resolves once every change handed in so far is stored (and broadcast). */
  idle(): Promise<void> {
    return this.engine.idle();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
