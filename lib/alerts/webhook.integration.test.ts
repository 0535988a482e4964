import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../tests/console-harness';
import { logger } from '../log';
import { metricsRegistry } from '../metrics';
import type { AlertEvent } from './types';
import { WebhookNotifier, type WebhookPayload } from './webhook';

const alert: AlertEvent = {
  id: 7,
  ruleId: 'r',
  assetId: 'reactor-1',
  signal: 'temperature',
  severity: 'critical',
  priority: 'high',
  direction: 'high',
  limit: 400,
  value: 410,
  peak: 410,
  state: 'active_unacked',
  raisedAt: 1,
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackComment: null,
  returnedAt: null,
  clearedAt: null,
  shelf: null,
};

/** A local receiver answering with the given statuses in turn (then 200), recording each body. */
async function receiver(
  statuses: number[],
  delayMs = 0,
): Promise<{ url: string; bodies: WebhookPayload[]; times: number[]; server: Server }> {
  const bodies: WebhookPayload[] = [];
  const times: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(data) as WebhookPayload);
      times.push(Date.now());
      const status = statuses.shift() ?? 200;
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, times, server };
}

/** A port nothing listens on. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

const servers: Server[] = [];
let harness: Harness | undefined;
afterAll(async () => {
  for (const s of servers) s.close();
  await harness?.stop();
});

describe('alert webhook', () => {
  it('retries with exponential backoff: 500, 500, then 200 -> delivered once, in three attempts', async () => {
    const r = await receiver([500, 500]);
    servers.push(r.server);
    const n = new WebhookNotifier({ url: r.url, timeoutMs: 1_000, logger, baseDelayMs: 50 });
    n.notify('alert.raised', alert);
    await n.idle();
    expect(r.bodies).toHaveLength(3);
    expect(r.bodies.every((b) => b.event === 'alert.raised' && b.alert.id === 7 && b.alert.value === 410)).toBe(true);
    expect(n.stats).toEqual({ delivered: 1, failed: 0, dropped: 0, attempts: 3 });
    // Backoff doubles: ~50 ms, then ~100 ms.
    expect(r.times[1]! - r.times[0]!).toBeGreaterThanOrEqual(45);
    expect(r.times[2]! - r.times[1]!).toBeGreaterThanOrEqual(95);
    await n.close();
  });

  it('times out a receiver that does not answer, gives up after 5 attempts, logs and counts it', async () => {
    const r = await receiver([], 400);
    servers.push(r.server);
    const n = new WebhookNotifier({ url: r.url, timeoutMs: 100, logger, baseDelayMs: 10 });
    n.notify('alert.cleared', alert);
    await n.idle();
    expect(n.stats).toMatchObject({ delivered: 0, failed: 1, attempts: 5 });
    const text = await metricsRegistry().metrics();
    expect(text).toMatch(/twinops_alert_webhook_total\{outcome="failed"\} [1-9]/);
  });

  it('bounds its queue: the oldest waiting notification is dropped', async () => {
    const n = new WebhookNotifier({ url: await deadUrl(), timeoutMs: 100, logger, baseDelayMs: 10_000, maxQueue: 3 });
    for (let i = 0; i < 10; i++) n.notify('alert.raised', { ...alert, id: i });
    // One is being delivered, three wait, six were dropped.
    expect(n.stats.dropped).toBe(6);
    await n.close(0);
  });

  it('a dead receiver never holds up the pipeline: points stream and alerts are stored meanwhile', async () => {
    harness = await startHarness({
      SIMULATOR: 'off',
      ALERT_WEBHOOK_URL: await deadUrl(),
      ALERT_WEBHOOK_TIMEOUT_MS: '5000',
    });
    const { twin, alerts, repos } = harness.handle.services;
    const rules = alerts!.rules('reactor-1');
    for (const r of rules) await alerts!.updateRule(r.id, { minDurationMs: 0 }, { username: 'test' });
    const t0 = Date.now() - 60_000;
    const started = performance.now();
    // 40 alternating excursions: 20 raises and 20 clears of the temperature rule, each a webhook call.
    for (let i = 0; i < 40; i++) {
      await twin!.pipeline.ingest([
        { assetId: 'reactor-1', ts: t0 + i * 100, values: { temperature: i % 2 ? 350 : 420, pressure: 6, flow: 100 } },
      ]);
    }
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3_000);
    await alerts!.idle();
    const stored = (await repos.alerts.list({ assetId: 'reactor-1', limit: 1000 })).filter(
      (a) => a.signal === 'temperature',
    );
    // ISA-18.2: nobody acknowledges, so every excursion reactivates the one alarm (rtn_unacked ->
    // active_unacked) instead of adding a row; all 20 raises and 20 returns are in the journal.
    expect(stored).toHaveLength(1);
    expect(stored[0]!.state).toBe('rtn_unacked');
    const journal = await repos.alerts.journal({ assetId: 'reactor-1', limit: 1000 });
    const of = (event: string) => journal.filter((e) => e.alarmId === stored[0]!.id && e.event === event);
    expect(of('raised')).toHaveLength(20);
    expect(of('returned')).toHaveLength(20);
  });
});
