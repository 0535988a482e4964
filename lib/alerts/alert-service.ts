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
 */
import type { AuditRepo } from '../db/audit-repo';
import { isUniqueViolation, type AlertsRepo, type NewRule } from '../db/alerts-repo';
import type { Logger } from '../log';
import type { Point, SignalInfo } from '../twin/types';
import { AlertConflictError, AlertNotFoundError, RuleValidationError } from './errors';
import { EMPTY_MEMORY, evaluate, type Decision, type RuleMemory } from './evaluate';
import { MAX_MIN_DURATION_MS } from './limits';
import { recordAlertRaised } from './metrics';
import { PREDICTION_SIGNAL, type AlertEvent, type AlertRule, type AlertSeverity, type RuleChanges } from './types';
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
  logger: Logger;
  /** Wall clock (shelving, acknowledgement times); tests may pin it. */
  now?: () => number;
  /** Least time between two pushes of one open alert's new peaks (default 1 s). */
  peakPushMs?: number;
}

/** Who asks, for the audit log. */
export interface Actor {
  username: string;
  address?: string | null;
}

interface Tracked {
  rule: AlertRule;
  memory: RuleMemory;
  /** The stored open alert (set once its insert is done). */
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

export class AlertService {
  private readonly tracked = new Map<string, Tracked>();
  private readonly byAsset = new Map<string, Tracked[]>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly peakPushMs: number;
  private started = false;
  private closed = false;
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
    const open = await this.opts.repo.listOpen();
    for (const a of open) {
      const t = this.tracked.get(a.ruleId);
      if (!t) continue;
      t.alert = a;
      t.memory = { pending: null, open: { direction: a.direction, limit: a.limit, peak: a.peak } };
    }
    this.started = true;
    this.log.info({ rules: this.tracked.size, seeded: added, reopened: open.length }, 'alert engine started');
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
    for (const t of list) if (t.rule.signal === signal) this.step(t, value, ts, now);
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
          const stored = await this.opts.repo.openAlert({
            ruleId: rule.id,
            assetId: rule.assetId,
            signal: rule.signal,
            severity: rule.severity,
            direction: d.direction,
            limit: d.limit,
            value: d.value,
            raisedAt: ts,
          });
          if (!stored) {
            // Another process (or a stale memory) holds the open alert: adopt it, raise nothing.
            t.alert =
              (await this.opts.repo.list({ state: 'open', assetId: rule.assetId, limit: 1000 })).find(
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
          t.alert = null;
          this.cancelPeakPush(t);
          const cleared = await this.opts.repo.clear(open.id, Math.max(ts, open.raisedAt), peak ?? open.peak);
          if (cleared) this.publish('cleared', cleared);
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

  private publish(what: 'raised' | 'acknowledged' | 'cleared', alert: AlertEvent): void {
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
      if (t?.alert?.id === id) {
        t.alert = { ...done, peak: t.alert.peak };
        t.pushedAt = Date.now();
      }
      const shown = t?.alert?.id === id ? t.alert : done;
      this.publish('acknowledged', shown);
      await this.audit({
        actor,
        action: 'alert.acknowledge',
        target: `alert ${id}`,
        details: { assetId: done.assetId, signal: done.signal, severity: done.severity, comment },
      });
      return shown;
    };
    return t ? this.enqueue(t, ack) : ack();
  }

  private async whyNotActive(id: number): Promise<Error> {
    const a = await this.opts.repo.get(id);
    if (!a) return new AlertNotFoundError(`alert ${id}`);
    if (a.state === 'cleared') return new AlertConflictError('alert_cleared', `alert ${id} is already cleared`);
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
    await this.audit({
      actor,
      action: minutes === null ? 'alert_rule.unshelve' : 'alert_rule.shelve',
      target: ruleName(updated),
      details: { ruleId: id, ...(until !== null ? { minutes, until: new Date(until).toISOString() } : {}) },
    });
    return updated;
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
    if (alert.state === 'cleared') return alert;
    const live = this.tracked.get(alert.ruleId)?.alert;
    return live?.id === alert.id && live.peak !== alert.peak ? { ...alert, peak: live.peak } : alert;
  }

  /** Open alerts by severity, for the metrics gauge. */
  openCounts(): Record<AlertSeverity, number> {
    const out: Record<AlertSeverity, number> = { warning: 0, critical: 0 };
    for (const t of this.tracked.values()) if (t.alert) out[t.alert.severity]++;
    return out;
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

const ruleName = (r: AlertRule) => `${r.assetId}/${r.signal}/${r.severity}`;

function pick<T extends object>(o: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
}
