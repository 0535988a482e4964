/**
 * A critical alarm raised through the console's real path, for specs that need one open (the
 * themes' contrast check of the header banner): an operator narrows a seeded critical rule so
 * that the simulated readings breach it, the alarm engine raises it from the live stream, and
 * `restore` puts the rule back and closes the alarm, so other specs start from normal.
 */
import type { APIRequestContext } from '@playwright/test';
import { expect } from './fixtures';

interface Rule {
  id: string;
  assetId: string;
  signal: string;
  severity: string;
  priority: string;
  low: number | null;
  high: number | null;
  deadband: number;
  minDurationMs: number;
  enabled: boolean;
}
interface Alarm {
  id: number;
  ruleId: string;
  state: string;
  severity: string;
}

async function ruleOf(request: APIRequestContext, assetId: string, signal: string): Promise<Rule> {
  const res = await request.get(`/api/v1/alert-rules?assetId=${assetId}`);
  expect(res.status()).toBe(200);
  const rule = ((await res.json()) as { rules: Rule[] }).rules.find((r) => r.signal === signal);
  expect(rule, `a seeded ${signal} rule on ${assetId}`).toBeDefined();
  return rule!;
}

async function alarmsOf(request: APIRequestContext, rule: Rule): Promise<Alarm[]> {
  const res = await request.get(`/api/v1/alerts?state=any_open&assetId=${rule.assetId}&limit=1000`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { alerts: Alarm[] }).alerts.filter((a) => a.ruleId === rule.id);
}

async function patchRule(request: APIRequestContext, ruleId: string, body: Record<string, unknown>): Promise<void> {
  const res = await request.patch(`/api/v1/alert-rules/${ruleId}`, { data: body });
  expect(res.status(), await res.text()).toBe(200);
}

export interface RaisedAlarm {
  id: number;
  /** Puts the rule back as it was and acknowledges what it left open, until nothing is. */
  restore: () => Promise<void>;
}

/**
 * Raises a critical alarm on `signal` of a simulated asset: the rule's high limit goes below
 * anything the simulator sends (its pressure stays near its 4-7 bar setpoints), no minimum
 * duration, so the next reading raises it and every later one keeps it active.
 * `request` must belong to an operator or an admin.
 */
export async function raiseCriticalAlarm(
  request: APIRequestContext,
  assetId = 'reactor-3',
  signal = 'pressure',
): Promise<RaisedAlarm> {
  const rule = await ruleOf(request, assetId, signal);
  const { severity, priority, low, high, deadband, minDurationMs, enabled } = rule;
  await patchRule(request, rule.id, {
    severity: 'critical',
    priority: 'urgent',
    low: null,
    high: 0.5,
    deadband: 0,
    minDurationMs: 0,
    enabled: true,
  });
  const active = async () => (await alarmsOf(request, rule)).find((a) => a.state === 'active_unacked');
  await expect.poll(async () => (await active())?.severity, { timeout: 15_000 }).toBe('critical');
  const alarm = (await active())!;
  return {
    id: alarm.id,
    restore: async () => {
      await patchRule(request, rule.id, { severity, priority, low, high, deadband, minDurationMs, enabled });
      // Back inside its limits it returns to normal (rtn_unacked); acknowledged, it closes.
      await expect
        .poll(
          async () => {
            for (const a of await alarmsOf(request, rule))
              if (a.state === 'active_unacked' || a.state === 'rtn_unacked')
                await request.post(`/api/v1/alerts/${a.id}/ack`, { data: {} });
            return (await alarmsOf(request, rule)).length;
          },
          { timeout: 15_000 },
        )
        .toBe(0);
    },
  };
}
