/**
 * The alert engine. Fed every point by the pipeline (`onPoint`, called in order), it evaluates
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
 * Alarms follow ISA-18.2 (the transitions themselves are guarded in lib/db/alerts-repo.ts, each
 * with its journal row): raised -> active_unacked; acknowledged -> active_acked; the condition
 * returns -> rtn_unacked when nobody acknowledged it yet (it stays listed until acknowledged; if
 * the condition comes back first, the same alarm is active_unacked again) or normal (closed) when
 * acknowledged. An active alarm can be shelved (one-shot: until it returns; timed: until the
 * engine's clock passes the shelf, then active_unacked again; unshelved by hand: active_acked).
 * A rule or a whole asset out of service is not evaluated at all; its alarms wait, hidden, in
 * `out_of_service` and go back to the state they had when it returns to service.
 */
import type { AuditRepo } from '../db/audit-repo';
import type { SettingsRepo } from '../db/settings-repo';
import { isUniqueViolation, type AlertsRepo, type NewRule } from '../db/alerts-repo';
import type { Logger } from '../log';
import type { Point, SignalInfo } from '../twin/types';
import { AlertConflictError, AlertNotFoundError, RuleValidationError, ShelveValidationError } from './errors';
import { EMPTY_MEMORY, evaluate, type Decision, type RuleMemory } from './evaluate';
import { DEFAULT_MAX_SHELVE_SECONDS, MAX_MAX_SHELVE_SECONDS, MAX_MIN_DURATION_MS, MIN_SHELVE_SECONDS } from './limits';
import { recordAlertRaised } from './metrics';
import {
  OPERATOR_STATES,
  PREDICTION_SIGNAL,
  type AlertEvent,
  type AlertRule,
  type AlertSeverity,
  type JournalEvent,
  type OutOfService,
  type RuleChanges,
} from './types';
import type { WebhookNotifier } from './webhook';

/** Where stored alert changes go to browsers (lib/realtime/alerts-hub.ts). */
export interface AlertBroadcaster {
  raised(alert: AlertEvent): void;
  updated(alert: AlertEvent): void;
}

export interface AlertServiceOptions {
  repo: AlertsRepo;
  audit: AuditRepo;
  broadcaster: AlertBroadcaster;
  notifier?: WebhookNotifier | null;
  /** Where the admin's maximum shelving time is kept (absent: the default, 8 h). */
  settings?: SettingsRepo;
  logger: Logger;
  /** Wall clock (shelving, acknowledgement times); tests may pin it. */
  now?: () => number;
  /** Least time between two pushes of one open alert's new peaks (default 1 s). */
  peakPushMs?: number;
}

/** The settings key of the longest timed shelf an operator may ask for (seconds). */
export const MAX_SHELVE_SETTING = 'alarms.maxShelveSeconds';

/** What an operator asks for when shelving an alarm: `durationSeconds` null is one-shot. */
export interface ShelveRequest {
  durationSeconds: number | null;
  reason: string;
}

/** Who asks, for the audit log. */
export interface Actor {
  username: string;
  address?: string | null;
}

interface Tracked {
  rule: AlertRule;
  memory: RuleMemory;
  /** The stored open alarm, any state but normal (set once its insert is done). */
  alert: AlertEvent | null;
  chain: Promise<void>;
  /** When the open alert was last sent to browsers (real time), and a deferred peak push. */
  pushedAt: number;
  peakTimer: ReturnType<typeof setTimeout> | null;
}

/** Between two peak pushes of one alert, at least this long. */
export const PEAK_PUSH_MS = 1_000;

/**
 * Default rules for assets without any: the prediction within the model's `alerts` limits
 * (twin.json, warning), every sensor within its valid range (critical: outside it the model cannot
 * predict). A deadband of 1 % of the span and 5 s of minimum duration keep noise from flapping.
 */
export function defaultRules(
  assetIds: string[],
  signals: SignalInfo[],
  targetLimits: { low: number; high: number } | null,
): NewRule[] {
  const base = [
    ...(targetLimits ? [{ signal: PREDICTION_SIGNAL, severity: 'warning' as const, ...targetLimits }] : []),
    ...signals.map((s) => ({ signal: s.name, severity: 'critical' as const, low: s.min, high: s.max })),
  ];
  return assetIds.flatMap((assetId) =>
    base.map((b) => ({ assetId, ...b, deadband: round((b.high - b.low) * 0.01), minDurationMs: 5_000 })),
  );
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Checks a rule as it would be after a change; throws naming the field. */
export function validateRule(r: Pick<AlertRule, 'low' | 'high' | 'deadband' | 'minDurationMs'>): void {
  if (r.low === null && r.high === null) throw new RuleValidationError('high', 'set at least one of low and high');
  if (r.low !== null && r.high !== null && !(r.low < r.high))
    throw new RuleValidationError('high', `high (${r.high}) must be above low (${r.low})`);
  if (!(r.deadband >= 0)) throw new RuleValidationError('deadband', 'deadband must be 0 or more');
  if (r.low !== null && r.high !== null && r.deadband * 2 >= r.high - r.low) {
    throw new RuleValidationError(
      'deadband',
      `deadband must be less than half of high - low (${(r.high - r.low) / 2}), or an alert could never clear`,
    );
  }
  if (!Number.isInteger(r.minDurationMs) || r.minDurationMs < 0 || r.minDurationMs > MAX_MIN_DURATION_MS) {
    throw new RuleValidationError(
      'minDurationMs',
      `minDurationMs must be a whole number from 0 to ${MAX_MIN_DURATION_MS}`,
    );
  }
}

/** A stored rule change: one rule edited or shelved, or what is out of service. */
export type RulesChange = { ruleId: string } | { service: true };

export class AlertService {
  private readonly tracked = new Map<string, Tracked>();
  private readonly byAsset = new Map<string, Tracked[]>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly peakPushMs: number;
  /** Rules and assets out of service: not evaluated at all. */
  private readonly oosRules = new Set<string>();
  private readonly oosAssets = new Set<string>();
  private started = false;
  private closed = false;
  private clock: ReturnType<typeof setInterval> | null = null;
  private readonly storedListeners = new Set<(change: RulesChange) => void>();
  /** Serialises `addDefaults` (two model changes in a row must not track a rule twice). */
  private seeding: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: AlertServiceOptions) {
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

  /**
   * Clustered mode (issue 16): this instance just took the asset over, so its alarms may have
   * been raised or changed by the previous owner: the engine continues from the stored ones.
   */
  async reloadAsset(assetId: string): Promise<void> {
    const open = (await this.opts.repo.listOpen()).filter((a) => a.assetId === assetId);
    for (const t of this.byAsset.get(assetId) ?? []) {
      const a = open.find((o) => o.ruleId === t.rule.id) ?? null;
      t.alert = a;
      t.memory = a ? memoryOf(a) : EMPTY_MEMORY;
    }
  }

  /**
   * Seeds the default rules still missing (a model with other features was activated) and starts
   * evaluating them at once. Rules that exist, edited or not, are left alone. Returns how many
   * were added.
   */
  addDefaults(defaults: NewRule[]): Promise<number> {
    const run = this.seeding.then(async () => {
      if (this.closed) return 0;
      const added = await this.opts.repo.seedRules(defaults);
      if (added) for (const rule of await this.opts.repo.listRules()) if (!this.tracked.has(rule.id)) this.track(rule);
      if (added) this.log.info({ seeded: added }, 'default alert rules added for new signals');
      return added;
    });
    this.seeding = run.catch(() => undefined);
    return run;
  }

  private track(rule: AlertRule): Tracked {
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
      if (!this.inService(t.rule)) continue;
      const value = t.rule.signal === PREDICTION_SIGNAL ? point.prediction : point.values[t.rule.signal];
      if (value === null || value === undefined) continue;
      this.step(t, value, point.ts, now);
    }
  }

  /**
   * One value of one signal at time `ts` (epoch ms; minimum durations are measured in it), for
   * values that are not pipeline points: the plant's drift PSI per feature. Evaluated exactly like
   * a point's value by every rule of (assetId, signal). Synchronous, never throws.
   */
  onSignal(assetId: string, signal: string, value: number, ts: number): void {
    const list = this.byAsset.get(assetId);
    if (!list || this.closed) return;
    const now = this.now();
    for (const t of list) if (t.rule.signal === signal && this.inService(t.rule)) this.step(t, value, ts, now);
  }

  private step(t: Tracked, value: number, ts: number, now: number): void {
    try {
      const before = t.memory;
      const { decision, memory } = evaluate(t.rule, before, value, ts, now);
      t.memory = memory;
      this.apply(t, decision, ts, before);
    } catch (err) {
      this.log.error({ err, ruleId: t.rule.id }, 'alert rule evaluation failed');
    }
  }

  private apply(t: Tracked, d: Decision, ts: number, before: RuleMemory): void {
    const rule = t.rule;
    switch (d.kind) {
      case 'none':
        return;
      case 'raise':
        this.background(t, 'raise', async () => {
          const waiting = t.alert;
          if (waiting?.state === 'rtn_unacked') {
            // ISA-18.2: the same alarm, active again and still unacknowledged (no second row).
            const again = await this.opts.repo.reactivate(waiting.id, { ...d, at: ts });
            if (again) {
              t.alert = again;
              t.pushedAt = Date.now();
              recordAlertRaised(again.severity);
              this.publish('raised', again);
              return;
            }
            t.alert = null;
          }
          const stored = await this.opts.repo.openAlert({
            ruleId: rule.id,
            assetId: rule.assetId,
            signal: rule.signal,
            severity: rule.severity,
            priority: rule.priority,
            direction: d.direction,
            limit: d.limit,
            value: d.value,
            raisedAt: ts,
          });
          if (!stored) {
            // Another process (or a stale memory) holds the open alert: adopt it, raise nothing.
            t.alert =
              (await this.opts.repo.list({ state: 'any_open', assetId: rule.assetId, limit: 1000 })).find(
                (a) => a.ruleId === rule.id,
              ) ?? null;
            return;
          }
          t.alert = stored;
          t.pushedAt = Date.now();
          recordAlertRaised(stored.severity);
          this.publish('raised', stored);
        });
        return;
      case 'peak':
        this.background(t, 'peak', async () => {
          if (!t.alert) return;
          t.alert = { ...t.alert, peak: d.peak };
          this.pushPeak(t);
        });
        return;
      case 'clear': {
        const peak = before.open?.peak;
        this.background(t, 'clear', async () => {
          const open = t.alert;
          if (!open) return;
          this.cancelPeakPush(t);
          const done = await this.opts.repo.clear(open.id, Math.max(ts, open.raisedAt), peak ?? open.peak);
          if (!done) return;
          t.alert = done.state === 'normal' ? null : done;
          this.publish(done.state === 'normal' ? 'cleared' : 'returned', done);
        });
        return;
      }
    }
  }

  /**
   * Sends the open alert's new peak to browsers now, or, when it was sent less than `peakPushMs`
   * ago, once that time is up (with the peak as it is then). Peaks are not sent to the webhook:
   * it gets lifecycle changes only.
   */
  private pushPeak(t: Tracked): void {
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

  private cancelPeakPush(t: Tracked): void {
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
  private publish(what: JournalEvent, alert: AlertEvent): void {
    try {
      if (what === 'raised') this.opts.broadcaster.raised(alert);
      else this.opts.broadcaster.updated(alert);
    } catch (err) {
      this.log.warn({ err }, 'alert broadcast failed');
    }
    this.opts.notifier?.notify(`alert.${what}`, alert);
  }

  /** Runs `task` after the rule's earlier tasks; its result goes to the caller. */
  private enqueue<T>(t: Tracked, task: () => Promise<T>): Promise<T> {
    const run = t.chain.then(task);
    t.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private background(t: Tracked, what: string, task: () => Promise<void>): void {
    this.enqueue(t, task).catch((err: unknown) =>
      this.log.error({ err, ruleId: t.rule.id, what }, 'storing an alert change failed'),
    );
  }

  /** Acknowledges an active alert. Unknown -> AlertNotFoundError; cleared or acknowledged -> AlertConflictError. */
  async acknowledge(id: number, actor: Actor, comment: string | null): Promise<AlertEvent> {
    const t = [...this.tracked.values()].find((x) => x.alert?.id === id);
    const ack = async () => {
      const done = await this.opts.repo.acknowledge(id, actor.username, comment, this.now());
      if (!done) throw await this.whyNotActive(id);
      let shown = done;
      if (t?.alert?.id === id) {
        shown = { ...done, peak: t.alert.peak };
        t.alert = done.state === 'normal' ? null : shown;
        t.pushedAt = Date.now();
      }
      this.publish('acknowledged', shown);
      await this.audit({
        actor,
        action: 'alert.acknowledge',
        target: `alert ${id}`,
        details: { assetId: done.assetId, signal: done.signal, severity: done.severity, state: done.state, comment },
      });
      return shown;
    };
    return t ? this.enqueue(t, ack) : ack();
  }

  private async whyNotActive(id: number): Promise<Error> {
    const a = await this.opts.repo.get(id);
    if (!a) return new AlertNotFoundError(`alert ${id}`);
    if (a.state === 'normal') return new AlertConflictError('alert_cleared', `alert ${id} is already cleared`);
    if (a.state === 'shelved') return new AlertConflictError('alarm_shelved', `alarm ${id} is shelved`);
    if (a.state === 'out_of_service') return new AlertConflictError('out_of_service', `alarm ${id} is out of service`);
    return new AlertConflictError(
      'already_acknowledged',
      `alert ${id} was already acknowledged by ${a.acknowledgedBy ?? 'someone'}`,
    );
  }

  /** Changes a rule; effective for the next point. */
  async updateRule(id: string, changes: RuleChanges, actor: Actor): Promise<AlertRule> {
    const current = this.tracked.get(id)?.rule ?? (await this.opts.repo.getRule(id));
    if (!current) throw new AlertNotFoundError(`alert rule ${id}`);
    validateRule({ ...current, ...changes });
    let updated: AlertRule | null;
    try {
      updated = await this.opts.repo.updateRule(id, changes, actor.username);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AlertConflictError(
          'severity_taken',
          `${current.assetId} ${current.signal} already has a ${changes.severity ?? current.severity} rule`,
        );
      throw err;
    }
    if (!updated) throw new AlertNotFoundError(`alert rule ${id}`);
    this.replaceRule(updated);
    this.stored({ ruleId: id });
    await this.audit({
      actor,
      action: 'alert_rule.update',
      target: ruleName(updated),
      details: { ruleId: id, changes, before: pick(current, Object.keys(changes)) },
    });
    return updated;
  }

  /** Shelves a rule for `minutes` (raises nothing meanwhile), or unshelves it with null. */
  async shelve(id: string, minutes: number | null, actor: Actor): Promise<AlertRule> {
    const until = minutes === null ? null : this.now() + minutes * 60_000;
    const updated = await this.opts.repo.setShelvedUntil(id, until, actor.username);
    if (!updated) throw new AlertNotFoundError(`alert rule ${id}`);
    this.replaceRule(updated);
    this.stored({ ruleId: id });
    await this.audit({
      actor,
      action: minutes === null ? 'alert_rule.unshelve' : 'alert_rule.shelve',
      target: ruleName(updated),
      details: { ruleId: id, ...(until !== null ? { minutes, until: new Date(until).toISOString() } : {}) },
    });
    return updated;
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
        this.log.warn({ err }, 'rules listener failed');
      }
    }
  }

  /**
   * Applies what another instance stored (the database is the truth): one rule (edited, shelved),
   * or what is out of service with the alarms it moved.
   */
  async reload(change: RulesChange): Promise<void> {
    if (this.closed) return;
    if ('ruleId' in change) {
      const rule = await this.opts.repo.getRule(change.ruleId);
      // An unchanged rule keeps its pending breach timing (a resync reloads every rule).
      const current = this.tracked.get(change.ruleId)?.rule;
      if (rule && JSON.stringify(rule) !== JSON.stringify(current)) this.replaceRule(rule);
      return;
    }
    const entries = await this.opts.repo.listOutOfService();
    this.oosRules.clear();
    this.oosAssets.clear();
    for (const o of entries) (o.scope === 'rule' ? this.oosRules : this.oosAssets).add(o.target);
    for (const a of await this.opts.repo.listOpen()) {
      const t = this.tracked.get(a.ruleId);
      if (!t || (a.state !== 'out_of_service' && t.alert?.state !== 'out_of_service')) continue;
      await this.enqueue(t, async () => {
        this.adopt(t, a);
        t.memory = a.state === 'out_of_service' ? { pending: null, open: t.memory.open } : memoryOf(a);
      });
    }
  }

  private replaceRule(rule: AlertRule): void {
    const t = this.tracked.get(rule.id) ?? this.track(rule);
    // A changed rule times a breach afresh; an open alert stays and is judged by the new limits.
    t.rule = rule;
    t.memory = { pending: null, open: t.memory.open };
  }

  /** The engine's rules (what it evaluates now). */
  rules(assetId?: string): AlertRule[] {
    const all = [...this.tracked.values()].map((t) => t.rule);
    return assetId ? all.filter((r) => r.assetId === assetId) : all;
  }

  /**
   * `alert` as the engine knows it now: an open alert's stored peak is only written when it clears,
   * so the API shows the live one instead.
   */
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

  private inService(rule: AlertRule): boolean {
    return !this.oosRules.has(rule.id) && !this.oosAssets.has(rule.assetId);
  }

  private trackedWithAlarm(id: number): Tracked | undefined {
    return [...this.tracked.values()].find((x) => x.alert?.id === id);
  }

  /** The longest timed shelf an operator may ask for (seconds): the admin's setting, else 8 h. */
  async maxShelveSeconds(): Promise<number> {
    const stored = await this.opts.settings?.get(MAX_SHELVE_SETTING);
    const v = stored?.value;
    return typeof v === 'number' && Number.isInteger(v) && v >= MIN_SHELVE_SECONDS && v <= MAX_MAX_SHELVE_SECONDS
      ? v
      : DEFAULT_MAX_SHELVE_SECONDS;
  }

  /** Sets the maximum shelving time (admins; audited). */
  async setMaxShelveSeconds(seconds: number, actor: Actor): Promise<number> {
    if (!this.opts.settings) throw new Error('no settings repository');
    if (!Number.isInteger(seconds) || seconds < MIN_SHELVE_SECONDS || seconds > MAX_MAX_SHELVE_SECONDS)
      throw new ShelveValidationError(
        'maxShelveSeconds',
        `must be a whole number from ${MIN_SHELVE_SECONDS} to ${MAX_MAX_SHELVE_SECONDS}`,
      );
    const before = await this.maxShelveSeconds();
    await this.opts.settings.set(MAX_SHELVE_SETTING, seconds, actor.username);
    await this.audit({
      actor,
      action: 'alarm.settings',
      target: MAX_SHELVE_SETTING,
      details: { maxShelveSeconds: seconds, before },
    });
    return seconds;
  }

  /**
   * Shelves one active alarm: one-shot (`durationSeconds` null: until it returns to normal) or
   * timed (10 s up to the admin's maximum, else 400 naming `durationSeconds`). A reason is
   * required. Audited and journaled; it leaves the operator's list and the badge meanwhile.
   */
  async shelveAlarm(id: number, req: ShelveRequest, actor: Actor): Promise<AlertEvent> {
    const reason = req.reason.trim();
    if (!reason) throw new ShelveValidationError('reason', 'a reason is required');
    if (req.durationSeconds !== null) {
      const max = await this.maxShelveSeconds();
      if (
        !Number.isInteger(req.durationSeconds) ||
        req.durationSeconds < MIN_SHELVE_SECONDS ||
        req.durationSeconds > max
      )
        throw new ShelveValidationError(
          'durationSeconds',
          `must be a whole number of seconds from ${MIN_SHELVE_SECONDS} to ${max} (the maximum shelving time)`,
        );
    }
    const t = this.trackedWithAlarm(id);
    const run = async () => {
      const now = this.now();
      const until = req.durationSeconds === null ? null : now + req.durationSeconds * 1000;
      const kind = until === null ? ('one_shot' as const) : ('timed' as const);
      const done = await this.opts.repo.shelve(id, { kind, until, by: actor.username, reason, at: now });
      if (!done) throw await this.whyNot(id, 'shelve');
      this.adopt(t, done);
      this.publish('shelved', done);
      await this.audit({
        actor,
        action: 'alarm.shelve',
        target: `alert ${id}`,
        details: {
          assetId: done.assetId,
          signal: done.signal,
          kind,
          reason,
          ...(until !== null ? { durationSeconds: req.durationSeconds, until: new Date(until).toISOString() } : {}),
        },
      });
      return done;
    };
    return t ? this.enqueue(t, run) : run();
  }

  /** Takes an alarm off the shelf by hand: still active, so `active_acked`. Audited and journaled. */
  async unshelveAlarm(id: number, actor: Actor, comment: string | null): Promise<AlertEvent> {
    const t = this.trackedWithAlarm(id);
    const run = async () => {
      const done = await this.opts.repo.unshelve(id, actor.username, comment, this.now());
      if (!done) throw await this.whyNot(id, 'unshelve');
      this.adopt(t, done);
      this.publish('unshelved', done);
      await this.audit({
        actor,
        action: 'alarm.unshelve',
        target: `alert ${id}`,
        details: { assetId: done.assetId, signal: done.signal, comment },
      });
      return done;
    };
    return t ? this.enqueue(t, run) : run();
  }

  private adopt(t: Tracked | undefined, a: AlertEvent): void {
    if (!t) return;
    t.alert = a.state === 'normal' ? null : { ...a, peak: t.alert?.id === a.id ? t.alert.peak : a.peak };
    t.pushedAt = Date.now();
  }

  private async whyNot(id: number, what: 'shelve' | 'unshelve'): Promise<Error> {
    const a = await this.opts.repo.get(id);
    if (!a) return new AlertNotFoundError(`alert ${id}`);
    if (a.state === 'out_of_service') return new AlertConflictError('out_of_service', `alarm ${id} is out of service`);
    if (what === 'unshelve') return new AlertConflictError('not_shelved', `alarm ${id} is not shelved`);
    if (a.state === 'shelved') return new AlertConflictError('alarm_shelved', `alarm ${id} is already shelved`);
    return new AlertConflictError(
      'not_active',
      `alarm ${id} is not active (${a.state}): only an active alarm is shelved`,
    );
  }

  /**
   * The engine's clock: timed shelves that have run out by `now` bring their alarm back as
   * `active_unacked` (journaled `shelf_expired`). Called every second by the console; tests call
   * it with the time they want, so nothing sleeps.
   */
  tick(now: number = this.now()): Promise<void> {
    const due: Promise<void>[] = [];
    for (const t of this.tracked.values()) {
      const a = t.alert;
      if (a?.state !== 'shelved' || a.shelf?.kind !== 'timed' || a.shelf.until === null || a.shelf.until > now)
        continue;
      const id = a.id;
      due.push(
        this.enqueue(t, async () => {
          const done = await this.opts.repo.expireShelf(id, now);
          if (!done) return;
          this.adopt(t, done);
          this.publish('shelf_expired', done);
        }).catch((err: unknown) => this.log.error({ err, alarmId: id }, 'expiring a shelf failed')),
      );
    }
    return Promise.all(due).then(() => undefined);
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
    const why = reason.trim();
    if (!why) throw new ShelveValidationError('reason', 'a reason is required');
    const affected = this.affected(scope, target);
    const set = scope === 'rule' ? this.oosRules : this.oosAssets;
    const already = set.has(target);
    set.add(target);
    for (const t of affected) t.memory = { pending: null, open: t.memory.open };
    let out: Awaited<ReturnType<AlertsRepo['takeOutOfService']>>;
    try {
      await Promise.all(affected.map((t) => t.chain));
      out = await this.opts.repo.takeOutOfService({
        scope,
        target,
        reason: why,
        by: actor.username,
        since: this.now(),
      });
    } catch (err) {
      // Not stored: keep evaluating it.
      if (!already) set.delete(target);
      throw err;
    }
    if (!out) {
      if (!already) set.delete(target);
      throw new AlertConflictError('already_out_of_service', `${scope} ${target} is already out of service`);
    }
    for (const a of out.alarms) {
      this.adopt(this.tracked.get(a.ruleId), a);
      this.publish('out_of_service', a);
    }
    this.stored({ service: true });
    await this.audit({
      actor,
      action: 'alarm.out_of_service',
      target: `${scope} ${target}`,
      details: { scope, target, reason: why, alarms: out.alarms.map((a) => a.id) },
    });
    return out;
  }

  /** Returns a rule or an asset to service: evaluated again from the next point, its alarms back in the state they had. */
  async returnToService(
    scope: 'rule' | 'asset',
    target: string,
    comment: string | null,
    actor: Actor,
  ): Promise<AlertEvent[]> {
    const affected = this.affected(scope, target);
    await Promise.all(affected.map((t) => t.chain));
    const back = await this.opts.repo.returnToService(scope, target, actor.username, comment, this.now());
    if (!back) throw new AlertConflictError('in_service', `${scope} ${target} is not out of service`);
    (scope === 'rule' ? this.oosRules : this.oosAssets).delete(target);
    for (const a of back) {
      const t = this.tracked.get(a.ruleId);
      this.adopt(t, a);
      if (t) t.memory = memoryOf(a);
      this.publish('returned_to_service', a);
    }
    this.stored({ service: true });
    await this.audit({
      actor,
      action: 'alarm.return_to_service',
      target: `${scope} ${target}`,
      details: { scope, target, comment, alarms: back.map((a) => a.id) },
    });
    return back;
  }

  private affected(scope: 'rule' | 'asset', target: string): Tracked[] {
    if (scope === 'asset') {
      const list = this.byAsset.get(target);
      if (!list) throw new AlertNotFoundError(`asset ${target}`);
      return list;
    }
    const t = this.tracked.get(target);
    if (!t) throw new AlertNotFoundError(`alert rule ${target}`);
    return [t];
  }

  /** Runs `tick` every `everyMs` (the console: every second) until `close`. */
  startClock(everyMs = 1_000): void {
    if (this.clock || this.closed) return;
    this.clock = setInterval(() => void this.tick(), everyMs);
    this.clock.unref?.();
  }

  /** What is out of service now. */
  outOfService(): { rules: string[]; assets: string[] } {
    return { rules: [...this.oosRules], assets: [...this.oosAssets] };
  }

  get ready(): boolean {
    return this.started;
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

  private async audit(e: {
    actor: Actor;
    action: string;
    target: string;
    details: Record<string, unknown>;
  }): Promise<void> {
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
function memoryOf(a: AlertEvent): RuleMemory {
  return a.returnedAt === null
    ? { pending: null, open: { direction: a.direction, limit: a.limit, peak: a.peak } }
    : { pending: null, open: null };
}

const ruleName = (r: AlertRule) => `${r.assetId}/${r.signal}/${r.severity}`;

function pick<T extends object>(o: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
}
