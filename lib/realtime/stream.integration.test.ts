import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, subscribe, until, type Harness } from '../../tests/console-harness';
import type { Point } from '../twin/types';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SIM_RATE_HZ: '20' });
});
afterAll(() => h?.stop());

describe('live stream over socket.io (real server, real clients)', () => {
  it('refuses a client without a session', async () => {
    const s = h.client(null);
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    s.disconnect();
  });

  it('answers a subscribe with a snapshot, then sends every new point in order', async () => {
    const s = h.client(await h.sessionCookie());
    await until(() => (h.handle.services.twin?.pipeline.stream('reactor-1')?.size ?? 0) > 5, 5_000, 'simulated points');
    const live: Point[] = [];
    s.on('stream:points', ({ assetId, points }) => {
      if (assetId === 'reactor-1') live.push(...points);
    });
    const snap = await subscribe(s, { assetId: 'reactor-1' });
    expect(snap.reset).toBe(true);
    expect(snap.points.length).toBeGreaterThan(5);
    expect(snap.points.at(-1)!.seq).toBe(snap.lastSeq);
    await until(() => live.length >= 10, 3_000, '10 live points');
    // First live point continues the snapshot exactly: no gap, no duplicate.
    expect(live[0]!.seq).toBe(snap.lastSeq + 1);
    live.forEach((p, i) => i > 0 && expect(p.seq).toBe(live[i - 1]!.seq + 1));
    expect(Object.keys(live[0]!.values).sort()).toEqual(['flow', 'pressure', 'temperature']);
    s.disconnect();
  });

  it('sends nothing for assets the client did not subscribe to, and stops after unsubscribe', async () => {
    const s = h.client(await h.sessionCookie());
    const seen = new Set<string>();
    let count = 0;
    s.on('stream:points', ({ assetId, points }) => {
      seen.add(assetId);
      count += points.length;
    });
    await subscribe(s, { assetId: 'reactor-2' });
    await until(() => count >= 5, 3_000, 'points');
    expect([...seen]).toEqual(['reactor-2']);
    s.emit('stream:unsubscribe', { assetId: 'reactor-2' });
    await new Promise((r) => setTimeout(r, 150));
    const after = count;
    await new Promise((r) => setTimeout(r, 400));
    expect(count).toBe(after);
    s.disconnect();
  });

  it('resumes after a disconnect with exactly the missed points', async () => {
    const cookie = await h.sessionCookie();
    const first = h.client(cookie);
    const held: Point[] = [];
    first.on('stream:points', ({ points }) => held.push(...points));
    const snap = await subscribe(first, { assetId: 'reactor-3' });
    held.push(...snap.points);
    await until(() => held.length > snap.points.length + 5, 3_000, 'live points');
    first.disconnect();
    const lastHeld = held.at(-1)!.seq;
    await new Promise((r) => setTimeout(r, 600)); // ~12 points happen while away

    const second = h.client(cookie);
    const resumed = await subscribe(second, { assetId: 'reactor-3', sinceSeq: lastHeld, epoch: snap.epoch });
    expect(resumed.reset).toBe(false);
    expect(resumed.points.length).toBeGreaterThanOrEqual(8);
    expect(resumed.points[0]!.seq).toBe(lastHeld + 1);
    resumed.points.forEach((p, i) => i > 0 && expect(p.seq).toBe(resumed.points[i - 1]!.seq + 1));
    second.disconnect();
  });

  it('sends a 20,000-point snapshot in chunks, complete and in order, then live points without a gap', async () => {
    const stream = h.handle.services.twin!.pipeline.stream('reactor-2')!;
    await until(() => stream.size > 0, 5_000, 'a first simulated point');
    // A console that has run a while; spread over 1 ms so the simulator's next point is newer.
    const last = stream.latest()!;
    for (let i = 0; i < 25_000; i++)
      stream.append({ ...last, ts: last.ts + i / 25_000, values: { ...last.values }, flags: [] });
    const s = h.client(await h.sessionCookie());
    const live: Point[] = [];
    let chunks = 0;
    s.on('stream:snapshot-chunk', () => chunks++);
    s.on('stream:points', ({ assetId, points }) => {
      if (assetId === 'reactor-2') live.push(...points);
    });
    const snap = await subscribe(s, { assetId: 'reactor-2', maxPoints: 20_000 });
    expect(chunks).toBe(9);
    expect(snap.points.length).toBeGreaterThanOrEqual(20_000);
    const seqs = snap.points.map((p) => p.seq);
    expect(seqs.every((q, i) => i === 0 || q > seqs[i - 1]!)).toBe(true);
    expect(seqs.at(-1)).toBe(snap.lastSeq);
    await until(() => live.length >= 5, 3_000, '5 live points');
    expect(live[0]!.seq).toBe(snap.lastSeq + 1);
    live.forEach((p, i) => i > 0 && expect(p.seq).toBe(live[i - 1]!.seq + 1));
    s.disconnect();
  });

  it('downsamples a snapshot larger than the client asks for, keeping the newest point', async () => {
    const s = h.client(await h.sessionCookie());
    const snap = await subscribe(s, { assetId: 'reactor-1', maxPoints: 5 });
    expect(snap.points).toHaveLength(5);
    expect(snap.downsampled).toBe(true);
    expect(snap.points.at(-1)!.seq).toBe(snap.lastSeq);
    s.disconnect();
  });

  it('refuses an unknown asset or a malformed request in the acknowledgement', async () => {
    const s = h.client(await h.sessionCookie());
    await expect(subscribe(s, { assetId: 'reactor-99' })).rejects.toThrow('unknown asset "reactor-99"');
    await expect(subscribe(s, { assetId: 'reactor-1', sinceSeq: 'x' as unknown as number })).rejects.toThrow(
      'sinceSeq must be a finite number',
    );
    s.disconnect();
  });

  it('writes every point to the telemetry table in batches', async () => {
    const twin = h.handle.services.twin!;
    await twin.writer.flush();
    const stored = await h.handle.services.repos.telemetry.count('reactor-1');
    expect(stored).toBeGreaterThan(10);
    expect(stored).toBeLessThanOrEqual(twin.pipeline.stream('reactor-1')!.lastSeq + 1);
  });
});

describe('server restart', () => {
  it('clients reconnect by themselves and get a fresh snapshot (reset) from the new server', async () => {
    const dataDir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/twinops-restart-`);
    const a = await startHarness({ SIM_RATE_HZ: '20' }, dataDir);
    const port = a.handle.port;
    const cookie = await a.sessionCookie();
    const s = a.client(cookie);
    const snap = await subscribe(s, { assetId: 'reactor-1' });
    await a.handle.close();
    await until(() => !s.connected, 3_000, 'disconnect');
    const b = await startHarness({ SIM_RATE_HZ: '20', PORT: String(port) }, dataDir);
    await until(() => s.connected, 10_000, 'automatic reconnect');
    const again = await subscribe(s, { assetId: 'reactor-1', sinceSeq: snap.lastSeq, epoch: snap.epoch });
    expect(again.reset).toBe(true);
    expect(again.epoch).not.toBe(snap.epoch);
    s.disconnect();
    await b.stop();
    (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
  });
});
