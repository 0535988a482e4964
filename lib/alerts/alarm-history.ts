/**
 * Builds an alarm history with chosen times through the real repository transitions (raise or
 * reactivate, acknowledge, return), so the alarms and their journal are exactly what the engine
 * would have written. Used by the KPI tests (hand-built histories) and `npm run alarms:seed-day`.
 */
import type { AlertsRepo } from '../db/alerts-repo';
import type { AlarmPriority, AlertEvent, AlertSeverity } from './types';

export interface HistoryRule {
  assetId: string;
  signal: string;
  priority: AlarmPriority;
  severity?: AlertSeverity;
}

/** One activation of a rule's alarm: raised at `raiseAt`, returned at `returnAt` (never: still active), acknowledged at `ackAt`. */
export interface Episode {
  rule: HistoryRule;
  raiseAt: number;
  returnAt?: number | null;
  ackAt?: number | null;
}

type Step = { at: number; order: number; kind: 'raise' | 'ack' | 'return'; episode: Episode };

/**
 * Writes `episodes` (creating their rules when missing). Per rule, the steps run in time order: a
 * raise while the rule's alarm waits in rtn_unacked reactivates it (ISA-18.2), otherwise it opens
 * a new alarm. Returns how many annunciations were written.
 */
export async function writeAlarmHistory(repo: AlertsRepo, episodes: Episode[], by = 'operator'): Promise<number> {
  const key = (r: HistoryRule) => `${r.assetId}\u0000${r.signal}`;
  const rules = new Map<string, HistoryRule>();
  for (const e of episodes) rules.set(key(e.rule), e.rule);
  await repo.seedRules(
    [...rules.values()].map((r) => ({
      assetId: r.assetId,
      signal: r.signal,
      severity: r.severity ?? (r.priority === 'low' || r.priority === 'medium' ? 'warning' : 'critical'),
      priority: r.priority,
      low: null,
      high: 100,
    })),
  );
  const ids = new Map((await repo.listRules()).map((r) => [key(r), r.id]));
  const steps: Step[] = [];
  for (const e of episodes) {
    steps.push({ at: e.raiseAt, order: 0, kind: 'raise', episode: e });
    if (e.returnAt != null) steps.push({ at: e.returnAt, order: 1, kind: 'return', episode: e });
    if (e.ackAt != null) steps.push({ at: e.ackAt, order: 2, kind: 'ack', episode: e });
  }
  steps.sort((a, b) => a.at - b.at || a.order - b.order);
  const open = new Map<string, AlertEvent>();
  let raised = 0;
  for (const s of steps) {
    const k = key(s.episode.rule);
    const ruleId = ids.get(k)!;
    const current = open.get(k);
    let next: AlertEvent | null = null;
    if (s.kind === 'raise') {
      const breach = { direction: 'high' as const, limit: 100, value: 110, at: s.at };
      next =
        current?.state === 'rtn_unacked'
          ? await repo.reactivate(current.id, breach)
          : await repo.openAlert({
              ruleId,
              assetId: s.episode.rule.assetId,
              signal: s.episode.rule.signal,
              severity: s.episode.rule.severity ?? 'warning',
              priority: s.episode.rule.priority,
              ...breach,
              raisedAt: s.at,
            });
      if (!next) throw new Error(`${k}: raise at ${new Date(s.at).toISOString()} found another open alarm`);
      raised++;
    } else if (current) {
      next =
        s.kind === 'ack' ? await repo.acknowledge(current.id, by, null, s.at) : await repo.clear(current.id, s.at, 110);
      if (!next) continue; // e.g. acknowledging an alarm a later raise already took over
    } else continue;
    if (next.state === 'normal') open.delete(k);
    else open.set(k, next);
  }
  return raised;
}
