/**
 * Stale and offline sources through the real console wiring: an ingest-only asset (EXTERNAL_ASSETS)
 * whose readings stop goes stale (socket `asset:status`, `asset:statuses`), raises a stale-data
 * alert through the engine (socket `alert:raised`, stored), and fresh data clears both; a source
 * marked offline (the Sparkplug death hook) alerts at once. The simulated reactors stay live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, until, type Harness, type TestSocket } from '../../tests/console-harness';
import type { AlertEvent, SourceStatus } from '../realtime/protocol';
import { SOURCE_STALE_SIGNAL } from '../alerts/plant-signals';

let h: Harness;
let socket: TestSocket;
const statuses: SourceStatus[] = [];
const alerts: AlertEvent[] = [];

beforeAll(async () => {
  // 10 Hz x 5 intervals: stale after 0.5 s without data.
  h = await startHarness({ EXTERNAL_ASSETS: 'gw-1', SIM_RATE_HZ: '10', STALE_AFTER_INTERVALS: '5' });
  socket = h.client(await h.sessionCookie('olivia', 'viewer'));
  socket.on('asset:status', (s) => statuses.push(s));
  socket.on('alert:raised', (a) => alerts.push(a));
  socket.on('alert:updated', (a) => alerts.push(a));
  await until(() => socket.connected, 5_000, 'connect');
});
afterAll(() => h?.stop());

const ingest = (values = { temperature: 350, pressure: 6, flow: 100 }) =>
  h.handle.services.twin!.ingest([{ assetId: 'gw-1', ts: Date.now(), values }]);
const current = () => new Promise<SourceStatus[]>((resolve) => socket.emit('asset:statuses', (list) => resolve(list)));
const staleAlerts = (state?: AlertEvent['state']) =>
  alerts.filter((a) => a.assetId === 'gw-1' && a.signal === SOURCE_STALE_SIGNAL && (!state || a.state === state));

describe('stale and offline sources', () => {
  it('lists the external asset beside the simulated ones, with a stale-data rule for each asset', async () => {
    const catalog = h.handle.services.twin!.catalog();
    expect(catalog.assets.map((a) => [a.id, a.source])).toEqual([
      ['reactor-1', 'simulator'],
      ['reactor-2', 'simulator'],
      ['reactor-3', 'simulator'],
      ['gw-1', 'external'],
    ]);
    const rules = h.handle.services.alerts!.rules().filter((r) => r.signal === SOURCE_STALE_SIGNAL);
    expect(rules.map((r) => [r.assetId, r.high, r.severity])).toEqual(
      expect.arrayContaining([
        ['reactor-1', 0.5, 'warning'],
        ['gw-1', 0.5, 'warning'],
      ]),
    );
  });

  it('goes stale when readings stop, raises the alert, and fresh data clears both', async () => {
    await ingest();
    const lastTs = h.handle.services.twin!.pipeline.stream('gw-1')!.latest()!.ts;
    expect((await current()).find((s) => s.assetId === 'gw-1')).toMatchObject({ state: 'live', lastTs });

    await until(() => statuses.some((s) => s.assetId === 'gw-1' && s.state === 'stale'), 5_000, 'stale event');
    expect(statuses.find((s) => s.assetId === 'gw-1')).toMatchObject({ state: 'stale', lastTs });
    expect((await current()).find((s) => s.assetId === 'gw-1')!.state).toBe('stale');
    await until(() => staleAlerts('active_unacked').length > 0, 5_000, 'stale alert');
    const raised = staleAlerts('active_unacked')[0]!;
    expect(raised).toMatchObject({ severity: 'warning', direction: 'high', limit: 0.5 });
    expect(raised.value).toBeGreaterThan(0.5);
    await h.handle.services.alerts!.idle();
    const stored = await h.handle.services.repos.alerts.list({ assetId: 'gw-1', limit: 10 });
    expect(stored.map((a) => [a.signal, a.state])).toContainEqual([SOURCE_STALE_SIGNAL, 'active_unacked']);

    await ingest();
    await until(() => statuses.at(-1)?.state === 'live', 5_000, 'live again');
    await until(() => staleAlerts('rtn_unacked').length > 0, 5_000, 'alert cleared');
    // The reactors, fed by the simulator all along, never went stale.
    expect(statuses.filter((s) => s.assetId.startsWith('reactor-'))).toEqual([]);
  });

  it('marks a source offline at once (Sparkplug death hook) and raises without waiting for the limit', async () => {
    await ingest();
    const before = staleAlerts('active_unacked').length;
    expect(h.handle.services.sources!.markOffline('gw-1', 'Sparkplug NDEATH')).toBe(true);
    await until(() => statuses.at(-1)?.state === 'offline', 2_000, 'offline event');
    expect(statuses.at(-1)).toMatchObject({ assetId: 'gw-1', reason: 'Sparkplug NDEATH' });
    await until(() => staleAlerts('active_unacked').length > before, 2_000, 'alert at once');
    await ingest();
    await until(() => statuses.at(-1)?.state === 'live', 2_000, 'live again');
  });

  it('survives an asset:statuses without an acknowledgement (a strike), still answering the next one', async () => {
    (socket as unknown as { emit(event: string): void }).emit('asset:statuses');
    expect((await current()).length).toBe(4);
  });

  it('after a restart, an asset whose source died while the console was down goes stale, since its last stored reading', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'twinops-stale-restart-'));
    const env = { EXTERNAL_ASSETS: 'gw-9', SIMULATOR: 'off', SIM_RATE_HZ: '10', STALE_AFTER_INTERVALS: '5' };
    try {
      const first = await startHarness(env, dir);
      const ts = Date.now() - 1_000;
      await first.handle.services.twin!.ingest([
        { assetId: 'gw-9', ts, values: { temperature: 350, pressure: 6, flow: 100 } },
      ]);
      await first.stop();
      const second = await startHarness(env, dir);
      try {
        const sock = second.client(await second.sessionCookie('olivia', 'viewer'));
        const seen: SourceStatus[] = [];
        sock.on('asset:status', (st) => seen.push(st));
        await until(
          () => seen.some((st) => st.assetId === 'gw-9' && st.state === 'stale'),
          5_000,
          'stale after restart',
        );
        expect(seen.find((st) => st.assetId === 'gw-9')).toMatchObject({ state: 'stale', lastTs: ts });
        // The reactors never sent anything (simulator off, new data): nothing to expect, not stale.
        expect(seen.filter((st) => st.assetId.startsWith('reactor-'))).toEqual([]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
