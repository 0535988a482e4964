import { describe, expect, it } from 'vitest';
import { byPriorityThenTime, type AlertEvent } from '@/lib/alerts/types';
import { afterReload, applyAlertEvent } from './open-alerts-store';

const alarm = (
  id: number,
  priority: AlertEvent['priority'],
  raisedAt: number,
  state: AlertEvent['state'],
): AlertEvent => ({
  id,
  ruleId: `r${id}`,
  assetId: 'reactor-1',
  signal: 'temperature',
  severity: 'critical',
  priority,
  direction: 'high',
  limit: 400,
  value: 410,
  peak: 410,
  state,
  raisedAt,
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackComment: null,
  returnedAt: null,
  clearedAt: null,
  shelf: null,
});

describe('the header’s open alarms', () => {
  it('orders by priority, then newest first', () => {
    const list = [
      alarm(1, 'medium', 3_000, 'active_unacked'),
      alarm(2, 'urgent', 1_000, 'rtn_unacked'),
      alarm(3, 'high', 2_000, 'active_unacked'),
      alarm(4, 'urgent', 2_000, 'active_acked'),
      alarm(5, 'low', 9_000, 'active_unacked'),
    ];
    expect(list.sort(byPriorityThenTime).map((a) => a.id)).toEqual([4, 2, 3, 1, 5]);
  });

  it('keeps alarms that wait for operators (returned-unacknowledged too), drops closed, shelved and out-of-service ones', () => {
    let list: AlertEvent[] = [];
    list = applyAlertEvent(list, alarm(1, 'high', 1, 'active_unacked'));
    list = applyAlertEvent(list, alarm(1, 'high', 1, 'rtn_unacked'));
    expect(list.map((a) => [a.id, a.state])).toEqual([[1, 'rtn_unacked']]);
    list = applyAlertEvent(list, alarm(2, 'low', 2, 'active_unacked'));
    list = applyAlertEvent(list, alarm(2, 'low', 2, 'shelved'));
    list = applyAlertEvent(list, alarm(3, 'low', 3, 'active_acked'));
    list = applyAlertEvent(list, alarm(3, 'low', 3, 'out_of_service'));
    expect(list.map((a) => a.id)).toEqual([1]);
    list = applyAlertEvent(list, alarm(1, 'high', 1, 'normal'));
    expect(list).toEqual([]);
  });

  it('drops a suppressed alarm from the badge and the banner, and takes it back when unsuppressed', () => {
    let list = [alarm(1, 'high', 1_000, 'active_unacked'), alarm(2, 'low', 2_000, 'active_acked')];
    list = applyAlertEvent(list, alarm(1, 'high', 1_000, 'suppressed'));
    expect(list.map((a) => a.id)).toEqual([2]);
    list = applyAlertEvent(list, alarm(1, 'high', 1_000, 'active_unacked'));
    expect(list.map((a) => [a.id, a.state])).toEqual([
      [1, 'active_unacked'],
      [2, 'active_acked'],
    ]);
  });

  it('keeps an alarm raised while a reload was in flight, whose answer was read before it', () => {
    // The page-load reload's answer was read before alarm 7 was raised, and arrives after its event.
    const answer = [alarm(1, 'low', 1_000, 'active_acked')];
    expect(afterReload(answer, [alarm(7, 'high', 2_000, 'active_unacked')]).map((a) => a.id)).toEqual([7, 1]);
    // Events in order: the newest state wins (raised, then closed).
    const seen = [alarm(7, 'high', 2_000, 'active_unacked'), alarm(7, 'high', 2_000, 'normal')];
    expect(afterReload(answer, seen).map((a) => a.id)).toEqual([1]);
  });
});
