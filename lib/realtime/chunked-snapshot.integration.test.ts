/**
 * Large snapshots in chunks (issue 14: one 20,000-point acknowledgement held the event loop
 * ~55 ms), with real socket.io clients against the real hub. The hub's work queue is stepped by
 * the test, so what happens between two chunks (points arriving, an unsubscribe) is placed
 * exactly, not left to timing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../tests/console-harness';
import { startHubFixture, type HubFixture } from '../../tests/hub-fixture';
import type { AssetStream } from '../twin/asset-stream';
import type { Point } from '../twin/types';
import type { SnapshotChunk, StreamSnapshot, SubscribeAck } from './protocol';
import { fetchSnapshot, requestSnapshot, type SnapshotResult, type StreamSocket } from './request-snapshot';
import type { WorkQueue } from './snapshot-queue';

/** A work queue whose jobs run only when the test says so (or at once, in `auto` mode). */
function steppedQueue() {
  const jobs: (() => void)[] = [];
  let auto = false;
  const queue: WorkQueue = {
    push(job) {
      if (auto) setImmediate(job);
      else jobs.push(job);
    },
    get length() {
      return jobs.length;
    },
  };
  return {
    queue,
    /** Waits for queued work and runs it (not what it queues in turn). */
    async runQueued(): Promise<void> {
      await until(() => jobs.length > 0, 2_000, 'queued work');
      for (const job of jobs.splice(0)) job();
    },
    setAuto(on: boolean) {
      auto = on;
      if (on) for (const job of jobs.splice(0)) setImmediate(job);
    },
    clear() {
      jobs.length = 0;
    },
  };
}

let fixture: HubFixture;
let stream: AssetStream;
const stepped = steppedQueue();
const produce = (): Point => fixture.produce();
const client = (): Promise<StreamSocket> => fixture.client();

beforeAll(async () => {
  // A console that has run a while: 30,000 buffered points, so a 20,000-point snapshot is thinned.
  fixture = await startHubFixture(stepped.queue, 30_000);
  stream = fixture.stream;
});
afterEach(() => {
  stepped.setAuto(false);
  stepped.clear();
});
afterAll(() => fixture.close());

/** Everything a socket receives for the asset, in arrival order. */
function record(s: StreamSocket) {
  const events: (
    { kind: 'ack'; ack: SubscribeAck } | { kind: 'chunk'; chunk: SnapshotChunk } | { kind: 'point'; point: Point }
  )[] = [];
  s.on('stream:snapshot-chunk', (chunk) => events.push({ kind: 'chunk', chunk }));
  s.on('stream:points', ({ points }) => {
    for (const point of points) events.push({ kind: 'point', point });
  });
  const chunks = () => events.flatMap((e) => (e.kind === 'chunk' ? [e.chunk] : []));
  const points = () => events.flatMap((e) => (e.kind === 'point' ? [e.point] : []));
  return { events, chunks, points };
}

const strictlyIncreasing = (seqs: number[]) => seqs.every((s, i) => i === 0 || s > seqs[i - 1]!);
const contiguous = (seqs: number[]) => seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);

describe('a snapshot larger than one chunk', () => {
  it('comes as the ack, then chunks (the last with the points gained meanwhile), then live points', async () => {
    const s = await client();
    const seen = record(s);
    s.emit('stream:subscribe', { assetId: 'a1', maxPoints: 20_000 }, (ack) => seen.events.push({ kind: 'ack', ack }));
    await stepped.runQueued();
    await until(() => seen.events.length > 0, 2_000, 'the acknowledgement');
    const first = seen.events[0]!;
    expect(first.kind).toBe('ack');
    const ack = (first as { ack: SubscribeAck }).ack;
    if (!ack.ok || ack.more === undefined) throw new Error(`expected a chunked snapshot, got ${JSON.stringify(ack)}`);
    expect(ack.snapshot.points).toHaveLength(2_000);
    expect(ack.more).toBe(9);
    expect(ack.snapshot).toMatchObject({ reset: true, downsampled: true, lastSeq: stream.lastSeq });

    // Points arrive while the chunks are being sent: not yet to this socket (not in the room).
    const gained = [produce(), produce(), produce()];
    for (let i = 0; i < ack.more; i++) {
      await stepped.runQueued();
      await until(() => seen.chunks().length === i + 1, 2_000, `chunk ${i + 1}`);
      // One chunk per turn of the queue: other work runs between them.
      expect(seen.chunks()).toHaveLength(i + 1);
      if (i === 3) gained.push(produce());
    }
    const after = [produce(), produce()];
    await until(() => seen.points().length === 2, 2_000, 'two live points');

    const chunks = seen.chunks();
    expect(chunks.map((c) => c.last)).toEqual([...Array<boolean>(8).fill(false), true]);
    expect(chunks.every((c) => c.transfer === ack.transfer && c.assetId === 'a1')).toBe(true);
    // Order on the wire: acknowledgement, the 9 chunks, then live points only.
    expect(seen.events.map((e) => e.kind)).toEqual(['ack', ...Array<string>(9).fill('chunk'), 'point', 'point']);

    const all = [...ack.snapshot.points, ...chunks.flatMap((c) => c.points)];
    const seqs = all.map((p) => p.seq);
    expect(all).toHaveLength(20_000 + gained.length);
    expect(strictlyIncreasing(seqs)).toBe(true);
    // The snapshot ends at the live edge it announced, then exactly the gained points follow.
    expect(seqs[19_999]).toBe(ack.snapshot.lastSeq);
    expect(seqs.slice(20_000)).toEqual(gained.map((p) => p.seq));
    // Live points continue the snapshot: no gap, no duplicate.
    const live = seen.points().map((p) => p.seq);
    expect(live).toEqual(after.map((p) => p.seq));
    expect(contiguous([seqs.at(-1)!, ...live])).toBe(true);
  });

  it('a resume after a gap larger than one chunk gets exactly the missed points, then live ones', async () => {
    stepped.setAuto(true);
    const s = await client();
    const live: Point[] = [];
    s.on('stream:points', ({ points }) => live.push(...points));
    const held: StreamSnapshot = await fetchSnapshot(s, { assetId: 'a1', maxPoints: 10 });
    // Away while 5,000 points happen (2.5 chunks).
    s.emit('stream:unsubscribe', { assetId: 'a1' });
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 5_000; i++) produce();

    const resumed = await fetchSnapshot(s, {
      assetId: 'a1',
      sinceSeq: held.lastSeq,
      epoch: held.epoch,
      maxPoints: 20_000,
    });
    expect(resumed.reset).toBe(false);
    expect(resumed.points).toHaveLength(5_000);
    expect(resumed.points[0]!.seq).toBe(held.lastSeq + 1);
    expect(contiguous(resumed.points.map((p) => p.seq))).toBe(true);
    expect(resumed.lastSeq).toBe(stream.lastSeq);

    const next = produce();
    await until(() => live.some((p) => p.seq === next.seq), 2_000, 'the next live point');
    expect(live.filter((p) => p.seq > held.lastSeq).map((p) => p.seq)).toEqual([next.seq]);
  });

  it('an unsubscribe mid-way stops the remaining chunks and the live points', async () => {
    const s = await client();
    const seen = record(s);
    let ack: SubscribeAck | undefined;
    s.emit('stream:subscribe', { assetId: 'a1', maxPoints: 20_000 }, (res) => (ack = res));
    await stepped.runQueued();
    await until(() => ack !== undefined, 2_000, 'the acknowledgement');
    expect(ack).toMatchObject({ ok: true, more: 9 });
    await stepped.runQueued();
    await until(() => seen.chunks().length === 1, 2_000, 'the first chunk');

    s.emit('stream:unsubscribe', { assetId: 'a1' });
    // The next chunk's turn and the unsubscribe's, then whatever the queue still holds.
    await until(() => stepped.queue.length >= 2, 2_000, 'the unsubscribe to be queued');
    await stepped.runQueued();
    stepped.setAuto(true);
    produce();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.chunks()).toHaveLength(2);
    expect(seen.chunks().some((c) => c.last)).toBe(false);
    expect(seen.points()).toEqual([]);
    // The socket is still served: a new subscribe works as usual.
    const again = await fetchSnapshot(s, { assetId: 'a1', maxPoints: 5 });
    expect(again.points).toHaveLength(5);
  });

  it('a transfer that stalls or a disconnect mid-way fails the request, so the client asks again', async () => {
    const s = await client();
    const results: SnapshotResult[] = [];
    requestSnapshot(s, { assetId: 'a1', maxPoints: 20_000 }, (r) => results.push(r), { timeoutMs: 300 });
    await stepped.runQueued(); // the acknowledgement; the chunks are never let through
    await until(() => results.length > 0, 2_000, 'the timeout');
    expect(results).toEqual([{ kind: 'failed', reason: 'the server did not answer' }]);

    stepped.clear();
    requestSnapshot(s, { assetId: 'a1', maxPoints: 20_000 }, (r) => results.push(r));
    await stepped.runQueued();
    await stepped.runQueued(); // the first chunk
    s.disconnect();
    await until(() => results.length > 1, 2_000, 'the disconnect');
    expect(results[1]).toEqual({ kind: 'failed', reason: 'disconnected' });
  });

  it('a snapshot that fits one chunk is answered whole, as before', async () => {
    stepped.setAuto(true);
    const s = await client();
    let ack: SubscribeAck | undefined;
    s.emit('stream:subscribe', { assetId: 'a1', maxPoints: 2_000 }, (res) => (ack = res));
    await until(() => ack !== undefined, 2_000, 'the acknowledgement');
    expect(ack).toMatchObject({ ok: true });
    expect(ack).not.toHaveProperty('more');
    expect(ack!.ok && ack!.snapshot.points).toHaveLength(2_000);
  });
});
