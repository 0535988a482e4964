/**
 * The alarm engine. Fed every point by the pipeline (`onPoint`, called in order), it evaluates
 * the asset's rules synchronously in memory, so two points can never both raise for one rule,
 * whatever the concurrency, and the pipeline never waits for the database. What must be stored
 * (raise, clear, acknowledge) goes on a per-rule promise chain: in order, asynchronously. Stored
 * changes are then broadcast (socket.io) and sent to the webhook. Open alerts are reloaded at
 * start, so a restart continues where the last process stopped.
 *
 * Besides points, any value with a time can be fed (`onSignal`): the plant's input drift (PSI per
 * feature) comes in that way. While an alert is open, a new peak is pushed to browsers
 * (`alert:updated`) at most once a second per alert, so the Alerts page shows the current peak.
 *
 * What operators and admins do to alarms and rules lives beside it (alarm-handling.ts,
 * rule-admin.ts, out-of-service.ts), working through the engine's per-rule chains; alert-service.ts
 * is the one face of all of it.
 */
import type { NewRule } from '../db/alerts-repo';
import type { Logger } from '../log';
import type { Point } from '../twin/types';
import type { AlertServiceOptions, Actor, Tracked } from './engine-types';
import { AlertNotFoundError } from './errors';
import { EMPTY_MEMORY, evaluate, type RuleMemory } from './evaluate';
import { applyDecision } from './alarm-decisions';
import { SOURCE_STALE_SIGNAL } from './plant-signals';
import {
  OPERATOR_STATES,
  PREDICTION_SIGNAL,
  type AlertEvent,
  type AlertRule,
  type AlertSeverity,
  type JournalEvent,
} from './types';

export type { Actor, AlertBroadcaster, AlertServiceOptions, Tracked } from './engine-types';

/** Between two peak pushes of one alert, at least this long. */
export const PEAK_PUSH_MS = 1_000;

export class AlarmEngine {
  readonly tracked = new Map<string, Tracked>();
  readonly byAsset = new Map<string, Tracked[]>();
  readonly log: Logger;
  readonly now: () => number;
  private readonly peakPushMs: number;
  /** Rules and assets out of service: not evaluated at all. */
  readonly oosRules = new Set<string>();
  readonly oosAssets = new Set<string>();
  /** Assets whose source is stale or offline: their process alarms are suppressed by design (suppression.ts). */
  readonly suppressedAssets = new Set<string>();
  private started = false;
  private closed = false;
  private clock: ReturnType<typeof setInterval> | null = null;
  /** Serialises `addDefaults` (two model changes in a row must not track a rule twice). */
  private seeding: Promise<unknown> = Promise.resolve();
  /** Runs every second with the engine's time (timed shelves); set by the alarm handling. */
  onTick: (now: number) => Promise<void> = () => Promise.resolve();
  /** Called when an asset's `source:stale` condition starts or ends (at: its time); set by the suppression. */
  onSourceChange: (assetId: string, at: number) => void = () => undefined;

  constructor(readonly opts: AlertServiceOptions) {
    this.log = opts.logger.child({ module: 'alerts' });
    this.now = opts.now ?? Date.now;
    this.peakPushMs = opts.peakPushMs ?? PEAK_PUSH_MS;
  }

  /** Seeds missing default rules, loads all rules and reloads the open alerts. */
  async start(defaults: NewRule[]): Promise<void> {
    const added = await this.opts.repo.seedRules(defaults);
    for (const rule of await this.opts.repo.listRules()) this.track(rule);
    for (const o of await this.opts.repo.listOutOfService())
      (o.scope === 'rule' ? this.oosRules : this.oosAssets).add(o.target);
    const open = await this.opts.repo.listOpen();
    for (const a of open) {
      const t = this.tracked.get(a.ruleId);
      if (!t) continue;
      t.alert = a;
      t.memory = memoryOf(a);
    }
    this.started = true;
    this.log.info({ rules: this.tracked.size, seeded: added, reopened: open.length }, 'alert engine started');
  }

  /** See AlertService.addDefaults. */
  addDefaults(defaults: NewRule[]): Promise<number> {
    const run = this.seeding.then(async () => {
      if (this.closed) return 0;
      const added = await this.opts.repo.seedRules(defaults);
      // Rules stored by another instance count too (an asset created there: it seeded them first).
      for (const rule of await this.opts.repo.listRules()) if (!this.tracked.has(rule.id)) this.track(rule);
      if (added) this.log.info({ seeded: added }, 'default alert rules added for new signals');
      return added;
    });
    this.seeding = run.catch(() => undefined);
    return run;
  }

  /** Starts following a rule. */
  track(rule: AlertRule): Tracked {
    const t: Tracked = {
      rule,
      memory: EMPTY_MEMORY,
      alert: null,
      chain: Promise.resolve(),
      pushedAt: 0,
      peakTimer: null,
    };
    this.tracked.set(rule.id, t);
    const list = this.byAsset.get(rule.assetId) ?? [];
    list.push(t);
    this.byAsset.set(rule.assetId, list);
    return t;
  }

  /** The pipeline's hook: synchronous, never throws, never waits for I/O. */
  onPoint(assetId: string, point: Point): void {
    const list = this.byAsset.get(assetId);
    if (!list || this.closed) return;
    const now = this.now();
    for (const t of list) {
      if (!this.evaluated(t.rule)) continue;
      const value = t.rule.signal === PREDICTION_SIGNAL ? point.prediction : point.values[t.rule.signal];
      if (value === null || value === undefined) continue;
      this.step(t, value, point.ts, now);
    }
  }

  /** One value of one signal at time `ts` (see AlertService.onSignal). Synchronous, never throws. */
  onSignal(assetId: string, signal: string, value: number, ts: number): void {
    const list = this.byAsset.get(assetId);
    if (!list || this.closed) return;
    const now = this.now();
    for (const t of list) if (t.rule.signal === signal && this.evaluated(t.rule)) this.step(t, value, ts, now);
  }

  private step(t: Tracked, value: number, ts: number, now: number): void {
    try {
      const before = t.memory;
      const { decision, memory } = evaluate(t.rule, before, value, ts, now);
      t.memory = memory;
      applyDecision(this, t, decision, ts, before);
      if (t.rule.signal === SOURCE_STALE_SIGNAL && (decision.kind === 'raise' || decision.kind === 'clear'))
        this.onSourceChange(t.rule.assetId, ts);
    } catch (err) {
      this.log.error({ err, ruleId: t.rule.id }, 'alert rule evaluation failed');
    }
  }

  /**
   * Sends the open alert's new peak to browsers now, or, when it was sent less than `peakPushMs`
   * ago, once that time is up (with the peak as it is then). Peaks are not sent to the webhook:
   * it gets lifecycle changes only.
   */
  pushPeak(t: Tracked): void {
    if (t.peakTimer || this.closed) return;
    const wait = t.pushedAt + this.peakPushMs - Date.now();
    const push = () => {
      t.peakTimer = null;
      if (!t.alert || this.closed) return;
      t.pushedAt = Date.now();
      this.broadcastUpdate(t.alert);
    };
    if (wait <= 0) push();
    else {
      t.peakTimer = setTimeout(push, wait);
      t.peakTimer.unref?.();
    }
  }

  cancelPeakPush(t: Tracked): void {
    if (t.peakTimer) clearTimeout(t.peakTimer);
    t.peakTimer = null;
  }

  private broadcastUpdate(alert: AlertEvent): void {
    try {
      this.opts.broadcaster.updated(alert);
    } catch (err) {
      this.log.warn({ err }, 'alert broadcast failed');
    }
  }

  /** To browsers (`alert:raised` for a raise, `alert:updated` for any other change) and the webhook (`alert.<event>`). */
  publish(what: JournalEvent, alert: AlertEvent): void {
    try {
      if (what === 'raised') this.opts.broadcaster.raised(alert);
      else this.opts.broadcaster.updated(alert);
    } catch (err) {
      this.log.warn({ err }, 'alert broadcast failed');
    }
    this.opts.notifier?.notify(`alert.${what}`, alert);
  }

  /** Runs `task` after the rule's earlier tasks; its result goes to the caller. */
  enqueue<T>(t: Tracked, task: () => Promise<T>): Promise<T> {
    const run = t.chain.then(task);
    t.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** `task` on the rule's chain; a failure is logged, never thrown. */
  background(t: Tracked, what: string, task: () => Promise<void>): void {
    this.enqueue(t, task).catch((err: unknown) =>
      this.log.error({ err, ruleId: t.rule.id, what }, 'storing an alert change failed'),
    );
  }

  /** A changed rule times a breach afresh; an open alert stays and is judged by the new limits. */
  replaceRule(rule: AlertRule): void {
    const t = this.tracked.get(rule.id) ?? this.track(rule);
    t.rule = rule;
    t.memory = { pending: null, open: t.memory.open };
  }

  /** The engine's rules (what it evaluates now). */
  rules(assetId?: string): AlertRule[] {
    const all = [...this.tracked.values()].map((t) => t.rule);
    return assetId ? all.filter((r) => r.assetId === assetId) : all;
  }

  /** See AlertService.current. */
  current(alert: AlertEvent): AlertEvent {
    if (alert.state === 'normal') return alert;
    const live = this.tracked.get(alert.ruleId)?.alert;
    return live?.id === alert.id && live.peak !== alert.peak ? { ...alert, peak: live.peak } : alert;
  }

  /** Open alerts by severity, for the metrics gauge. */
  openCounts(): Record<AlertSeverity, number> {
    const out: Record<AlertSeverity, number> = { warning: 0, critical: 0 };
    for (const t of this.tracked.values())
      if (t.alert && OPERATOR_STATES.includes(t.alert.state)) out[t.alert.severity]++;
    return out;
  }

  inService(rule: AlertRule): boolean {
    return !this.oosRules.has(rule.id) && !this.oosAssets.has(rule.assetId);
  }

  /** In service, and not a process rule of an asset whose source sends no data (suppressed by design). */
  evaluated(rule: AlertRule): boolean {
    if (!this.inService(rule)) return false;
    return rule.signal === SOURCE_STALE_SIGNAL || !this.suppressedAssets.has(rule.assetId);
  }

  /** The rule whose open alarm is `id`, if this engine holds it. */
  trackedWithAlarm(id: number): Tracked | undefined {
    return [...this.tracked.values()].find((x) => x.alert?.id === id);
  }

  /** Takes a stored change of `a` as the rule's open alarm (keeping the live peak). */
  adopt(t: Tracked | undefined, a: AlertEvent): void {
    if (!t) return;
    t.alert = a.state === 'normal' ? null : { ...a, peak: t.alert?.id === a.id ? t.alert.peak : a.peak };
    t.pushedAt = Date.now();
  }

  /** The rules of a scope: one rule, or every rule of an asset (unknown -> AlertNotFoundError). */
  affected(scope: 'rule' | 'asset', target: string): Tracked[] {
    if (scope === 'asset') {
      const list = this.byAsset.get(target);
      if (!list) throw new AlertNotFoundError(`asset ${target}`);
      return list;
    }
    const t = this.tracked.get(target);
    if (!t) throw new AlertNotFoundError(`alert rule ${target}`);
    return [t];
  }

  /** See AlertService.tick. */
  tick(now: number = this.now()): Promise<void> {
    return this.onTick(now);
  }

  /** Runs `tick` every `everyMs` (the console: every second) until `close`. */
  startClock(everyMs = 1_000): void {
    if (this.clock || this.closed) return;
    this.clock = setInterval(() => void this.tick(), everyMs);
    this.clock.unref?.();
  }

  get ready(): boolean {
    return this.started;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once every change handed in so far is stored (and broadcast). */
  async idle(): Promise<void> {
    await Promise.all([...this.tracked.values()].map((t) => t.chain));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    for (const t of this.tracked.values()) this.cancelPeakPush(t);
    await this.seeding;
    await this.idle();
    await this.opts.notifier?.close();
  }

  /** Records a change in the audit log; a failure is logged, never thrown (the change is stored). */
  async audit(e: { actor: Actor; action: string; target: string; details: Record<string, unknown> }): Promise<void> {
    try {
      await this.opts.audit.record({
        actor: e.actor.username,
        action: e.action,
        target: e.target,
        outcome: 'success',
        address: e.actor.address ?? null,
        details: e.details,
      });
    } catch (err) {
      this.log.warn({ err, action: e.action }, 'could not audit an alert change');
    }
  }
}

/** What the engine remembers of a stored alarm: the condition is active unless it returned. */
export function memoryOf(a: AlertEvent): RuleMemory {
  return a.returnedAt === null
    ? { pending: null, open: { direction: a.direction, limit: a.limit, peak: a.peak } }
    : { pending: null, open: null };
}
