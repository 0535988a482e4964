/**
 * The issue-14 flood against the real console (socket.io, database, simulator, audit log): a
 * viewer's socket sends 10,000 `stream:subscribe {maxPoints: 20000}` in one burst while another
 * client watches the live stream and `/api/health` is polled. Before the socket limits, every
 * subscribe built and sent a full snapshot synchronously: health stalled for seconds, the other
 * client got no point and memory grew by gigabytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, subscribe, until, type Harness, type TestSocket } from '../../tests/console-harness';
import type { SubscribeAck } from './protocol';

const FLOOD = 10_000;
/** About 100 s of history at 20 Hz: each honoured snapshot carries this many points. */
const BUFFERED = 2_000;
const WATCH_MS = 4_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SIM_RATE_HZ: '20' });
  const stream = h.handle.services.twin!.pipeline.stream('reactor-1')!;
  await until(() => stream.size > 0, 5_000, 'a first simulated point');
  // A console that has been running a while: a full buffer makes every snapshot expensive.
  const last = stream.latest()!;
  for (let i = 0; i < BUFFERED; i++)
    stream.append({ ...last, ts: last.ts + i / 1_000, values: { ...last.values }, flags: [] });
});
afterAll(() => h?.stop());

async function pollHealth(stopAt: number): Promise<{ latencies: number[]; statuses: number[] }> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  while (performance.now() < stopAt) {
    const t0 = performance.now();
    const res = await fetch(`${h.url}/api/health`, { signal: AbortSignal.timeout(60_000) });
    await res.text();
    latencies.push(performance.now() - t0);
    statuses.push(res.status);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { latencies, statuses };
}

describe('a socket flooding stream:subscribe', () => {
  it('is cut off and audited while health and the other clients keep being served', { timeout: 120_000 }, async () => {
    const observer = h.client(await h.sessionCookie('olivia', 'operator'));
    const arrivals: number[] = [];
    observer.on('stream:points', ({ assetId, points }) => {
      if (assetId !== 'reactor-2') return;
      const now = performance.now();
      for (let i = 0; i < points.length; i++) arrivals.push(now);
    });
    await subscribe(observer, { assetId: 'reactor-2' });
    await until(() => arrivals.length >= 3, 3_000, 'live points before the flood');

    const abuser: TestSocket = h.client(await h.sessionCookie('vince', 'viewer'));
    await until(() => abuser.connected, 3_000, 'abuser connected');
    let disconnectReason: string | null = null;
    abuser.on('disconnect', (reason) => (disconnectReason = reason));
    const acks: SubscribeAck[] = [];

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const floodAt = performance.now();
    for (let i = 0; i < FLOOD; i++)
      abuser.emit('stream:subscribe', { assetId: 'reactor-1', maxPoints: 20_000 }, (res) => acks.push(res));
    // Polled from here: the loop above is the client's own cost in this shared process, while the
    // burst only reaches the server after it (the frames are written asynchronously).
    const health = pollHealth(floodAt + WATCH_MS);

    const { latencies, statuses } = await health;
    const watched = arrivals.filter((t) => t >= floodAt);
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

    // Health stays responsive through the whole flood.
    expect(latencies.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // 2 s, not the bench's 100 ms: on the shared 2-core machine (load ~11) the burst's decoding
    // still holds the loop ~1 s; before the limits this test ran out of memory after 110 s.
    expect(Math.max(...latencies)).toBeLessThan(2_000);
    // The other client keeps its live stream (20 Hz: ~80 points; the simulator itself slows on a loaded machine), without a long gap.
    expect(watched.length).toBeGreaterThan(20);
    const gaps = watched.slice(1).map((t, i) => t - watched[i]!);
    expect(Math.max(watched[0]! - floodAt, ...gaps)).toBeLessThan(2_000);
    // The abuser was disconnected by the server, and the log says who and why.
    await until(() => !abuser.connected, 1_000, 'the abuser to be disconnected');
    expect(disconnectReason).toBe('io server disconnect');
    expect(acks.some((a) => !a.ok)).toBe(true);
    expect(acks.filter((a) => a.ok).length).toBeLessThan(100);
    const audit = h.handle.services.repos.audit;
    let rows = await audit.list({ action: 'socket.abuse' });
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      rows = await audit.list({ action: 'socket.abuse' });
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'vince', outcome: 'denied' });
    expect(String(rows[0]!.details?.reason)).toMatch(/too many/);
    // Nothing like the gigabytes the unbounded snapshots took.
    expect(rssGrowthMb).toBeLessThan(300);

    // Reconnecting at once does not start the next burst: the user is refused for a cool-down,
    // told how long; another user is not affected.
    const again = h.client(await h.sessionCookie('vince', 'viewer'));
    const refusal = await new Promise<{ message: string; data?: { retryAfterSeconds?: number } }>((resolve) =>
      again.once('connect_error', (err) => resolve(err as never)),
    );
    again.disconnect();
    expect(refusal.message).toBe('cooling_down');
    expect(refusal.data?.retryAfterSeconds).toBeGreaterThan(50);
    expect(refusal.data?.retryAfterSeconds).toBeLessThanOrEqual(60);
    const bystander = h.client(await h.sessionCookie('vicky', 'viewer'));
    await until(() => bystander.connected, 3_000, 'another viewer to connect');
    bystander.disconnect();

    // The observer is still fully served afterwards.
    const before = arrivals.length;
    await until(() => arrivals.length >= before + 5, 2_000, 'points after the flood');
    observer.disconnect();
  });
});
