/**
 * bench:cluster's socket.io clients and their bookkeeping. Each client follows one asset and
 * checks the stream the way a browser's buffer would: by seq within one numbering (epoch), a
 * seq seen again is a duplicate, a seq skipped is a lost point. On a reconnect it resumes with
 * `sinceSeq` + `epoch`; an instance that cannot resume (another numbering) answers with a reset
 * snapshot, and then the loss is estimated by time: the points of the gap the snapshot did not
 * fill, at the asset's rate.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, StreamSnapshot } from '../../lib/realtime/protocol';
import { requestSnapshot } from '../../lib/realtime/request-snapshot';
import type { Point } from '../../lib/twin/types';

type IoClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Tally {
  /** Live points received (not snapshot replays). */
  delivered: number;
  /** Snapshot points that filled a gap after a reconnect. */
  recovered: number;
  lost: number;
  duplicated: number;
  /** Reconnects whose resume the instance refused (another numbering: fresh snapshot). */
  resets: number;
  resumed: number;
}

export interface LatencySample {
  /** When it was received (ms since epoch). */
  at: number;
  ms: number;
}

export interface BenchClient {
  index: number;
  assetId: string;
  /** The instance this client was routed to first (`host:port`). */
  upstream: string;
  socket: IoClient;
  tally: Tally;
  /** Longest time between two live points, ms (while `counting`). */
  maxGapMs: number;
  disconnectedAt: number | null;
  /** When the first live point after the last disconnect arrived. */
  backAt: number | null;
}

export interface ClientOptions {
  url: string;
  cookie: string;
  assetId: string;
  index: number;
  upstream: string;
  intervalMs: number;
  /** Where every live point's delivery latency goes. */
  latencies: LatencySample[];
  /** Only while this says so are points counted (warm-up and wind-down are not). */
  counting: () => boolean;
  /** Each live point, for the takeover figure (asset, created, received). */
  onPoint?: (assetId: string, point: Point, receivedAt: number) => void;
}

/** Connects one client and subscribes it; resolves once the first snapshot is in. */
export async function startClient(o: ClientOptions): Promise<BenchClient> {
  const socket: IoClient = connect(o.url, {
    transports: ['websocket'],
    extraHeaders: { cookie: o.cookie },
    forceNew: true,
    // A loaded 2-core machine accepting 1,000 handshakes: be patient, and retry.
    timeout: 60_000,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    randomizationFactor: 0.5,
  });
  const c: BenchClient = {
    index: o.index,
    assetId: o.assetId,
    upstream: o.upstream,
    socket,
    tally: { delivered: 0, recovered: 0, lost: 0, duplicated: 0, resets: 0, resumed: 0 },
    maxGapMs: 0,
    disconnectedAt: null,
    backAt: null,
  };
  let epoch: string | undefined;
  let lastSeq = -1;
  let lastTs = 0;
  let lastLiveAt = 0;

  /** A point in the client's numbering: counts a skip as lost, a repeat as a duplicate. */
  const accept = (p: Point, live: boolean) => {
    const counting = o.counting();
    if (lastSeq >= 0 && p.seq <= lastSeq) {
      if (counting) c.tally.duplicated++;
      return;
    }
    if (counting && lastSeq >= 0 && p.seq > lastSeq + 1) c.tally.lost += p.seq - lastSeq - 1;
    lastSeq = p.seq;
    lastTs = Math.max(lastTs, p.ts);
    if (counting && !live) c.tally.recovered++;
  };

  const applySnapshot = (s: StreamSnapshot, first: boolean) => {
    if (first || s.reset) {
      if (!first) {
        c.tally.resets++;
        // Another numbering: seqs cannot be compared, so count the gap by time.
        const fill = s.points.filter((p) => p.ts > lastTs);
        const until = fill[0]?.ts ?? null;
        if (until !== null && o.counting())
          c.tally.lost += Math.max(0, Math.round((until - lastTs) / o.intervalMs) - 1);
        if (o.counting()) c.tally.recovered += fill.length;
        if (fill.length) lastTs = fill[fill.length - 1]!.ts;
      } else if (s.points.length) {
        lastTs = s.points[s.points.length - 1]!.ts;
      }
      epoch = s.epoch;
      lastSeq = s.lastSeq;
      return;
    }
    c.tally.resumed++;
    for (const p of s.points) accept(p, false);
  };

  socket.on('stream:points', ({ assetId, points }) => {
    if (assetId !== o.assetId) return;
    const now = Date.now();
    for (const point of points) {
      if (o.counting()) {
        c.tally.delivered++;
        o.latencies.push({ at: now, ms: now - point.ts });
        if (lastLiveAt) c.maxGapMs = Math.max(c.maxGapMs, now - lastLiveAt);
      }
      lastLiveAt = now;
      if (c.disconnectedAt !== null && c.backAt === null) c.backAt = now;
      o.onPoint?.(assetId, point, now);
      accept(point, true);
    }
  });
  socket.on('disconnect', () => {
    c.disconnectedAt = Date.now();
    c.backAt = null;
  });

  const subscribe = (first: boolean) =>
    new Promise<void>((resolve, reject) => {
      const req = first
        ? { assetId: o.assetId, maxPoints: 1 }
        : { assetId: o.assetId, sinceSeq: lastSeq, epoch, sinceTs: lastTs + 1, maxPoints: 20_000 };
      // A resume may be a large snapshot, sent in chunks: requestSnapshot gathers them.
      requestSnapshot(socket, req, (res) => {
        if (res.kind !== 'snapshot')
          return reject(new Error(`subscribe ${o.assetId}: ${res.kind === 'refused' ? res.error : res.reason}`));
        applySnapshot(res.snapshot, first);
        resolve();
      });
    });

  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => subscribe(true).then(resolve, reject));
    // The manager retries a failed first connection by itself; give up after a few.
    let failures = 0;
    const onError = (err: Error) => {
      if (++failures < 5) return;
      socket.off('connect_error', onError);
      socket.disconnect();
      reject(err);
    };
    socket.on('connect_error', onError);
    socket.once('connect', () => socket.off('connect_error', onError));
  });
  // Every later connect is a reconnect (through the balancer, to whichever instance is up).
  socket.on('connect', () => void subscribe(false).catch(() => {}));
  return c;
}

/** p-th percentile of the latencies received in [from, to). */
export function percentileIn(samples: LatencySample[], from: number, to: number, p: number): number | null {
  const xs = samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms);
  if (!xs.length) return null;
  xs.sort((a, b) => a - b);
  return xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
}
