/**
 * The per-socket limits one by one, with real socket.io clients against the real console:
 * unknown events, bad payloads, the event rate, the subscription cap and the snapshot budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, subscribe, until, type Harness, type TestSocket } from '../../tests/console-harness';
import type { SnapshotChunk, StreamSnapshot, SubscribeRequest } from './protocol';

let h: Harness;
let cookie: string;
beforeAll(async () => {
  h = await startHarness({ SIM_RATE_HZ: '20', ASSET_COUNT: '20' });
  cookie = await h.sessionCookie('vera', 'viewer');
  const stream = h.handle.services.twin!.pipeline.stream('reactor-20')!;
  await until(() => stream.size > 0, 5_000, 'a first simulated point');
  const last = stream.latest()!;
  for (let i = 0; i < 30_000; i++)
    stream.append({ ...last, ts: last.ts + i / 10_000, values: { ...last.values }, flags: [] });
});
afterAll(() => h?.stop());

async function connected(): Promise<TestSocket> {
  const s = h.client(cookie);
  await until(() => s.connected, 3_000, 'connected');
  return s;
}

type Answer = { ok?: boolean; error?: string } | number;
const emitRaw = (s: TestSocket, event: string, ...args: unknown[]) =>
  new Promise<Answer>((resolve) => (s.emit as (e: string, ...a: unknown[]) => void)(event, ...args, resolve));

/**
 * Subscribes and counts the snapshot's own points: those up to the live edge its acknowledgement
 * announces (a large snapshot's last chunk also brings the points the stream gained meanwhile).
 */
function snapshotSize(s: TestSocket, req: SubscribeRequest): Promise<{ size: number; downsampled: boolean }> {
  return new Promise((resolve, reject) => {
    let head: StreamSnapshot | undefined;
    let size = 0;
    const done = () => {
      s.off('stream:snapshot-chunk', onChunk);
      resolve({ size, downsampled: head!.downsampled });
    };
    const onChunk = (chunk: SnapshotChunk) => {
      if (!head) return;
      size += chunk.points.filter((p) => p.seq <= head!.lastSeq).length;
      if (chunk.last) done();
    };
    s.on('stream:snapshot-chunk', onChunk);
    s.emit('stream:subscribe', req, (res) => {
      if (!res.ok) return reject(new Error(res.error));
      head = res.snapshot;
      size = res.snapshot.points.length;
      if (res.more === undefined) done();
    });
  });
}

describe('socket limits', () => {
  it('refuses an unknown event with an error acknowledgement', async () => {
    const s = await connected();
    expect(await emitRaw(s, 'admin:shutdown', {})).toEqual({ ok: false, error: 'unknown event' });
    expect(s.connected).toBe(true);
    s.disconnect();
  });

  it('answers a malformed payload with the field at fault', async () => {
    const s = await connected();
    expect(await emitRaw(s, 'stream:subscribe', { assetId: 5 })).toEqual({
      ok: false,
      error: 'assetId must be a non-empty string',
    });
    expect(await emitRaw(s, 'stream:subscribe', 'reactor-1')).toEqual({
      ok: false,
      error: 'subscribe needs {assetId}',
    });
    expect(await emitRaw(s, 'stream:subscribe', { assetId: 'x'.repeat(101) })).toMatchObject({ ok: false });
    s.disconnect();
  });

  it('answers at most 20 events a second per socket, the rest with an error', async () => {
    const s = await connected();
    const answers = await Promise.all(Array.from({ length: 30 }, () => emitRaw(s, 'session:ping')));
    const times = answers.filter((a) => typeof a === 'number');
    const refused = answers.filter((a) => typeof a === 'object');
    expect(times.length).toBeGreaterThanOrEqual(19);
    expect(times.length).toBeLessThanOrEqual(21);
    expect(refused[0]).toEqual({ ok: false, error: 'too many events (at most 20 a second)' });
    // Ten refusals are not abuse: the socket stays, and is served again a second later.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(s.connected).toBe(true);
    expect(typeof (await emitRaw(s, 'session:ping'))).toBe('number');
    s.disconnect();
  });

  it('holds at most 16 streams per socket; unsubscribing frees a place', async () => {
    const s = await connected();
    for (let i = 1; i <= 16; i++) await subscribe(s, { assetId: `reactor-${i}`, maxPoints: 10 });
    await new Promise((r) => setTimeout(r, 1_100)); // stay under the event rate
    await expect(subscribe(s, { assetId: 'reactor-17', maxPoints: 10 })).rejects.toThrow(
      'too many subscriptions (at most 16 per connection)',
    );
    // A stream already held can still be resubscribed (a resume).
    await expect(subscribe(s, { assetId: 'reactor-3', maxPoints: 10 })).resolves.toMatchObject({
      assetId: 'reactor-3',
    });
    s.emit('stream:unsubscribe', { assetId: 'reactor-1' });
    await expect(subscribe(s, { assetId: 'reactor-17', maxPoints: 10 })).resolves.toMatchObject({
      assetId: 'reactor-17',
    });
    s.disconnect();
  });

  it('caps a snapshot at 20,000 points and a socket at 100,000 snapshot points per 10 s', async () => {
    const s = await connected();
    const first = await snapshotSize(s, { assetId: 'reactor-20', maxPoints: 1e9 });
    expect(first.size).toBe(20_000);
    expect(first.downsampled).toBe(true);
    for (let i = 0; i < 4; i++) await subscribe(s, { assetId: 'reactor-20', maxPoints: 20_000 });
    await expect(subscribe(s, { assetId: 'reactor-20', maxPoints: 20_000 })).rejects.toThrow(
      'too many snapshot points (at most 100000 per 10 s); retry later',
    );
    // The refusal does not drop the subscription the socket holds: live points keep coming.
    let live = 0;
    s.on('stream:points', ({ points }) => (live += points.length));
    await until(() => live >= 3, 2_000, 'live points');
    s.disconnect();
  });
});
