/**
 * Live points in batches (issue 15: one frame per point was the console's largest CPU cost under
 * ingest load), with real socket.io clients against the real hub and a real AssetStream. The
 * hub's work queue is stepped by the test, so a subscribe can be placed exactly between a publish
 * and the flush that would send it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../tests/console-harness';
import { startHubFixture, type HubFixture } from '../../tests/hub-fixture';
import type { Point } from '../twin/types';
import type { SubscribeAck } from './protocol';
import type { StreamSocket } from './request-snapshot';
import type { WorkQueue } from './snapshot-queue';

let fixture: HubFixture;
/** The hub's queued socket work; runs only when a test calls `runQueued`. */
const jobs: (() => void)[] = [];
const queue: WorkQueue = {
  push: (job) => void jobs.push(job),
  get length() {
    return jobs.length;
  },
};
const runQueued = () => {
  for (const job of jobs.splice(0)) job();
};

const produce = (): Point => fixture.produce();

beforeAll(async () => {
  // Enough for a 5,000-point snapshot, sent as the acknowledgement and two chunks.
  fixture = await startHubFixture(queue, 6_000);
});
afterAll(() => fixture.close());

/** A connected client and every `stream:points` frame it receives, in arrival order. */
async function client() {
  const s = await fixture.client();
  const frames: Point[][] = [];
  s.on('stream:points', ({ assetId, points }) => assetId === 'a1' && frames.push(points));
  return { s, frames, seqs: () => frames.flat().map((p) => p.seq) };
}

/** Sends a subscribe and waits until the hub has queued it (it runs at the next `runQueued`). */
async function queueSubscribe(s: StreamSocket, maxPoints: number): Promise<() => SubscribeAck | undefined> {
  let ack: SubscribeAck | undefined;
  const before = jobs.length;
  s.emit('stream:subscribe', { assetId: 'a1', maxPoints }, (res) => (ack = res));
  await until(() => jobs.length > before, 2_000, 'the subscribe to be queued');
  return () => ack;
}

async function subscribed(s: StreamSocket): Promise<void> {
  const ack = await queueSubscribe(s, 1);
  runQueued();
  await until(() => ack() !== undefined, 2_000, 'the acknowledgement');
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live points', () => {
  it('published in one turn reach a subscriber as one frame, in seq order', async () => {
    const c = await client();
    await subscribed(c.s);
    const published = Array.from({ length: 50 }, () => produce());
    const marker = await new Promise<Point>((r) => setTimeout(() => r(produce()), 20));
    await until(() => c.seqs().includes(marker.seq), 2_000, 'the marker point');
    expect(c.frames).toHaveLength(2);
    expect(c.frames[0]!.map((p) => p.seq)).toEqual(published.map((p) => p.seq));
    expect(c.frames[1]!.map((p) => p.seq)).toEqual([marker.seq]);
    expect(c.frames[0]![0]).toEqual(published[0]);
  });

  it.each([
    ['in the acknowledgement', 10, 0],
    ['in chunks (joined with the last one)', 5_000, 2],
  ])('a subscribe between a publish and its flush gets those points once, %s', async (_, maxPoints, chunks) => {
    const member = await client();
    await subscribed(member.s);
    const joiner = await client();
    const ack = await queueSubscribe(joiner.s, maxPoints);
    if (chunks) {
      // The acknowledgement, then every chunk but the last: the join happens with that one.
      runQueued();
      for (let i = 0; i < chunks - 1; i++) {
        await until(() => jobs.length > 0, 2_000, `chunk ${i + 1}`);
        runQueued();
      }
      await until(() => jobs.length > 0, 2_000, 'the last chunk');
    }
    // Same synchronous step: points published (in the stream buffer, not yet sent), then the
    // joining step that snapshots the buffer.
    const pending = [produce(), produce(), produce()];
    runQueued();
    const lastChunk = new Promise<Point[]>((resolve) =>
      joiner.s.on('stream:snapshot-chunk', (chunk) => chunk.last && resolve(chunk.points)),
    );
    await until(() => ack() !== undefined, 2_000, 'the acknowledgement');
    const res = ack();
    if (!res?.ok) throw new Error(`subscribe refused: ${JSON.stringify(res)}`);
    const snapshotEnd = chunks ? (await lastChunk).at(-1)!.seq : res.snapshot.points.at(-1)!.seq;
    expect(snapshotEnd).toBe(pending.at(-1)!.seq);

    const after = await new Promise<Point>((r) => setTimeout(() => r(produce()), 20));
    await until(() => joiner.seqs().includes(after.seq), 2_000, 'the next live point');
    await until(() => member.seqs().includes(after.seq), 2_000, 'the next live point (member)');
    // The joiner: nothing of what its snapshot held, then the stream continues without a gap.
    expect(joiner.seqs()).toEqual([after.seq]);
    // The member already in the room: every point once, in order.
    expect(member.seqs()).toEqual(range(pending[0]!.seq, after.seq));
  });
});
