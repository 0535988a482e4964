/**
 * Stores what the evaluation of one value decided (raise, new peak, clear) on the rule's chain,
 * then broadcasts it: a raise of a rule whose alarm waits in rtn_unacked reactivates that alarm
 * (ISA-18.2: no second row); a raise that finds another open alarm of the rule adopts it.
 */
import type { AlertServiceOptions, Tracked } from './engine-types';
import type { Decision, RuleMemory } from './evaluate';
import { recordAlertRaised } from './metrics';
import type { AlertEvent, JournalEvent } from './types';

/** What storing a decision needs of the engine. */
export interface DecisionHost {
  readonly opts: Pick<AlertServiceOptions, 'repo'>;
  background(t: Tracked, what: string, task: () => Promise<void>): void;
  publish(what: JournalEvent, alert: AlertEvent): void;
  pushPeak(t: Tracked): void;
  cancelPeakPush(t: Tracked): void;
}

export function applyDecision(engine: DecisionHost, t: Tracked, d: Decision, ts: number, before: RuleMemory): void {
  const rule = t.rule;
  switch (d.kind) {
    case 'none':
      return;
    case 'raise':
      engine.background(t, 'raise', async () => {
        const waiting = t.alert;
        if (waiting?.state === 'rtn_unacked') {
          // ISA-18.2: the same alarm, active again and still unacknowledged (no second row).
          const again = await engine.opts.repo.reactivate(waiting.id, { ...d, at: ts });
          if (again) {
            t.alert = again;
            t.pushedAt = Date.now();
            recordAlertRaised(again.severity);
            engine.publish('raised', again);
            return;
          }
          t.alert = null;
        }
        const stored = await engine.opts.repo.openAlert({
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
            (await engine.opts.repo.list({ state: 'any_open', assetId: rule.assetId, limit: 1000 })).find(
              (a) => a.ruleId === rule.id,
            ) ?? null;
          return;
        }
        t.alert = stored;
        t.pushedAt = Date.now();
        recordAlertRaised(stored.severity);
        engine.publish('raised', stored);
      });
      return;
    case 'peak':
      engine.background(t, 'peak', async () => {
        if (!t.alert) return;
        t.alert = { ...t.alert, peak: d.peak };
        engine.pushPeak(t);
      });
      return;
    case 'clear': {
      const peak = before.open?.peak;
      engine.background(t, 'clear', async () => {
        const open = t.alert;
        if (!open) return;
        engine.cancelPeakPush(t);
        const done = await engine.opts.repo.clear(open.id, Math.max(ts, open.raisedAt), peak ?? open.peak);
        if (!done) return;
        t.alert = done.state === 'normal' ? null : done;
        engine.publish(done.state === 'normal' ? 'cleared' : 'returned', done);
      });
      return;
    }
  }
}
