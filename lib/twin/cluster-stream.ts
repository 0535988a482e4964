/**
 * Clustered mode (issue 16): the pipeline of the assets this instance owns and the mirrors of
 * the others.
 * - Owner: the sequencer commits each point with its seq, then the pipeline publishes it
 *   (buffer, local sockets, alerts, stale detection) and it is sent to every other instance.
 * - Mirror: every other instance appends the owner's points to its own buffer of the asset and
 *   sends them to its own sockets, so a client on any instance gets snapshots and live points
 *   from one buffer. A point that does not follow (a missed message, a new owner, a resume from
 *   a seq not seen yet) makes the mirror read what it lacks from the database, where every
 *   streamed point is stored.
 * - Takeover: the new owner brings its buffer up to date from the database, continues the stored
 *   epoch and seq, and first scores and streams the readings non-owners stored meanwhile.
 */
import type { Logger } from '../log';
import { NotOwnerError, SeqTakenError, type StreamRepo } from '../db/stream-repo';
import type { OwnershipHooks } from '../cluster/ownership';
import type { IngestResult } from '../ingest/durable-ingest';
import type { Pipeline } from './pipeline';
import { Sequencer } from './sequencer';
import type { Point, Reading } from './types';

export interface ClusterStreamDeps {
  pipeline: Pipeline;
  repo: StreamRepo;
  instanceId: string;
  owns(assetId: string): boolean;
  /**
   * Another instance is the asset's owner of record (it took the asset over while this one's lease
   * connection was lost unnoticed): stop owning it at once (owns() false from now on).
   */
  stepDown(assetId: string): void;
  /** Sends an owned point to every other instance (io.serverSideEmit through the adapter). */
  broadcast(msg: { assetId: string; epoch: string; point: Point }): void;
  /** Sends a point to this instance's sockets in the asset's room (the stream hub). */
  publishLocal(assetId: string, point: Point): void;
  /** A taken asset's newest time, for stale detection (the source monitor) and its stored alarms (the engine). */
  onTaken?(assetId: string, latestTs: number | undefined): Promise<void> | void;
  bufferSeconds: number;
  capacity: number;
  logger: Logger;
}

export interface ClusterStream {
  sequencer: Sequencer;
  /** Ownership hooks (lib/cluster/ownership.ts). */
  hooks: OwnershipHooks;
  /** A point from the owner of another asset. */
  receive(msg: { assetId: string; epoch: string; point: Point }): void;
  /** Brings this instance's buffer of the asset up to date from the database. */
  catchUp(assetId: string): Promise<void>;
  /** Outside readings on any instance: committed here; owned ones streamed here, others by their owner. */
  ingest(readings: Reading[]): Promise<IngestResult>;
  /** Fills every buffer from the database at start. */
  load(): Promise<void>;
}

export function createClusterStream(deps: ClusterStreamDeps): ClusterStream {
  const { pipeline } = deps;
  // Points read back are made equal to the live ones (the signals out of range judged again).
  const repo: StreamRepo = {
    ...deps.repo,
    recent: async (...args) => (await deps.repo.recent(...args)).map((p) => pipeline.restoreStored(p)),
    after: async (...args) => (await deps.repo.after(...args)).map((p) => pipeline.restoreStored(p)),
  };
  const log = deps.logger.child({ module: 'cluster-stream', instance: deps.instanceId });
  const windowMs = deps.bufferSeconds * 1000;
  const mirrors = new Map<string, { busy: Promise<void> | null; queue: { epoch: string; point: Point }[] }>();
  const pendingRuns = new Map<string, { running: Promise<void> | null; again: boolean }>();
  /** The token of each asset this instance took (stream-repo head()): its claim at every commit. */
  const tokens = new Map<string, string>();

  /**
   * Another instance stored a seq this one was about to give (two owners for a moment: a lease
   * connection lost and not noticed yet). The seq fence refused it; re-read the position so
   * the next commit does not fail the same way.
   */
  async function resync(assetId: string): Promise<void> {
    const stream = pipeline.stream(assetId)!;
    const head = await repo.peek(assetId);
    stream.reset(head.epoch ?? stream.epoch, await repo.recent(assetId, windowMs, deps.capacity), head.lastSeq);
    log.error({ assetId, lastSeq: head.lastSeq }, 'another instance numbered this asset: stream position re-read');
  }

  const sequencer = new Sequencer({
    commit: async (rows) => {
      try {
        return await repo.commit(rows, { owner: deps.instanceId, tokens });
      } catch (err) {
        if (err instanceof NotOwnerError) {
          // The sequencer plans again: these readings are stored pending for the new owner.
          for (const id of err.assetIds) {
            tokens.delete(id);
            log.error({ assetId: id }, 'another instance took this asset over: stepping down');
            deps.stepDown(id);
          }
          throw err;
        }
        if (isSeqConflict(err))
          for (const id of new Set(rows.filter((r) => r.seq !== null).map((r) => r.assetId)))
            await resync(id).catch(() => undefined);
        throw err;
      }
    },
    owns: deps.owns,
    cursor: (assetId) => {
      const s = pipeline.stream(assetId)!;
      return { nextSeq: s.lastSeq + 1, lastTs: s.latest()?.ts ?? Number.NEGATIVE_INFINITY };
    },
    publish: (assetId, point) => {
      if (pipeline.publishSequenced(assetId, point))
        deps.broadcast({ assetId, epoch: pipeline.stream(assetId)!.epoch, point });
    },
  });
  pipeline.useSequencer(sequencer);

  const mirror = (assetId: string) => {
    let m = mirrors.get(assetId);
    if (!m) mirrors.set(assetId, (m = { busy: null, queue: [] }));
    return m;
  };

  /** Appends a mirrored point when it is the next one; false when the mirror must catch up. */
  function apply(assetId: string, epoch: string, point: Point): boolean {
    const stream = pipeline.stream(assetId)!;
    if (stream.epoch !== epoch) return false;
    if (point.seq <= stream.lastSeq) return true; // seen (from the database) already
    if (!stream.appendSequenced(point)) return false;
    deps.publishLocal(assetId, point);
    return true;
  }

  async function fill(assetId: string): Promise<void> {
    const stream = pipeline.stream(assetId)!;
    const head = await repo.peek(assetId);
    if (head.epoch === null) return; // never owned yet: nothing to mirror
    if (head.epoch !== stream.epoch || head.lastSeq < stream.lastSeq) {
      // Another numbering: start over from the stored points (clients holding seqs see the jump
      // and re-snapshot). When nothing was streamed before (an asset's first points), clients
      // hold nothing to lose: they get the points as live ones.
      const wasEmpty = stream.lastSeq === -1;
      const points = await repo.recent(assetId, windowMs, deps.capacity);
      stream.reset(head.epoch, points, head.lastSeq);
      if (wasEmpty) for (const p of points) deps.publishLocal(assetId, p);
      return;
    }
    for (const p of await repo.after(assetId, stream.lastSeq)) {
      if (!stream.appendSequenced(p)) break;
      deps.publishLocal(assetId, p);
    }
  }

  function catchUp(assetId: string): Promise<void> {
    if (!pipeline.hasAsset(assetId)) return Promise.resolve();
    const m = mirror(assetId);
    m.busy ??= (async () => {
      try {
        await fill(assetId);
      } catch (err) {
        log.warn({ err, assetId }, 'mirror could not read the stored stream');
      }
      // Points that came meanwhile: the ones beyond what the database gave.
      const queued = m.queue.splice(0);
      m.busy = null;
      for (const q of queued) if (!deps.owns(assetId) && !apply(assetId, q.epoch, q.point)) return catchUp(assetId);
    })();
    return m.busy;
  }

  function receive(msg: { assetId: string; epoch: string; point: Point }): void {
    if (!pipeline.hasAsset(msg.assetId) || deps.owns(msg.assetId)) return;
    const m = mirror(msg.assetId);
    if (m.busy) {
      m.queue.push({ epoch: msg.epoch, point: msg.point });
      return;
    }
    if (!apply(msg.assetId, msg.epoch, msg.point)) {
      m.queue.push({ epoch: msg.epoch, point: msg.point });
      void catchUp(msg.assetId);
    }
  }

  /** The owner scores and streams what non-owners stored for the asset, oldest first. */
  function processPending(assetId: string): Promise<void> {
    let run = pendingRuns.get(assetId);
    if (!run) pendingRuns.set(assetId, (run = { running: null, again: false }));
    const r = run;
    if (r.running) {
      r.again = true;
      return r.running;
    }
    r.running = (async () => {
      do {
        r.again = false;
        for (;;) {
          if (!deps.owns(assetId)) return;
          const rows = await repo.pending(assetId, 500);
          if (!rows.length) break;
          const readings = rows.map((p) => ({
            assetId,
            ts: p.ts,
            values: p.values,
            ...(p.actual !== undefined ? { actual: p.actual } : {}),
          }));
          const scored = await pipeline.score(readings, ['ingested']);
          await sequencer.submit(scored.map((point) => ({ assetId, point, update: true })));
          if (rows.length < 500) break;
        }
      } while (r.again);
    })()
      .catch((err: unknown) =>
        log.warn({ err, assetId }, 'pending readings not processed yet (retried at the next poll)'),
      )
      .finally(() => {
        r.running = null;
      });
    return r.running;
  }

  const hooks: OwnershipHooks = {
    async acquire(assetId) {
      await catchUp(assetId);
      const stream = pipeline.stream(assetId)!;
      const head = await repo.head(assetId, deps.instanceId);
      tokens.set(assetId, head.token);
      if (head.epoch !== stream.epoch || head.lastSeq !== stream.lastSeq)
        stream.reset(head.epoch, await repo.recent(assetId, windowMs, deps.capacity), head.lastSeq);
      await deps.onTaken?.(assetId, stream.latest()?.ts);
      log.info({ assetId, epoch: head.epoch, lastSeq: head.lastSeq }, 'stream continued');
    },
    async release(assetId) {
      // Ownership is already withdrawn (owns() is false): what is in flight commits and publishes,
      // later readings are stored pending for the next owner.
      await pipeline.idle();
      await sequencer.idle();
      if (!deps.owns(assetId)) tokens.delete(assetId);
    },
    pending(assetId) {
      void processPending(assetId);
    },
    tick() {
      void repo
        .pendingAssets()
        .then((ids) => {
          for (const id of ids) if (deps.owns(id)) void processPending(id);
        })
        .catch(() => undefined);
    },
  };

  return {
    sequencer,
    hooks,
    receive,
    catchUp,
    async ingest(readings) {
      // Asked once: the owned readings are scored here (the sequencer checks ownership again at commit).
      const mine = readings.map((r) => deps.owns(r.assetId));
      const owned = readings.filter((_, i) => mine[i]);
      // Readings other instances stored before these go first (one probe of the pending index):
      // a gateway posting to any instance in turn keeps its time order.
      for (const id of new Set(owned.map((r) => r.assetId))) await processPending(id);
      const scored = owned.length ? await pipeline.score(owned, ['ingested']) : [];
      let k = 0;
      const items = readings.map((r, i) => ({
        assetId: r.assetId,
        point: mine[i]
          ? scored[k++]!
          : {
              ts: r.ts,
              values: r.values,
              prediction: null,
              lower: null,
              upper: null,
              modelVersion: null,
              inferenceMs: null,
              flags: ['ingested' as const],
              ...(r.actual !== undefined ? { actual: r.actual } : {}),
            },
      }));
      const results = await sequencer.submit(items);
      const out: IngestResult = { accepted: 0, duplicates: 0, late: 0, readings: [] };
      for (const res of results) {
        if (res.status === 'duplicate') out.duplicates++;
        else out.accepted++;
        if (res.status === 'late') out.late++;
        out.readings.push(res);
      }
      return out;
    },
    async load() {
      for (const a of pipeline.assets) await catchUp(a.id);
    },
  };
}

/** The seq fence (asset_streams.last_seq) refused the commit: another instance numbered the asset. */
function isSeqConflict(err: unknown): boolean {
  return err instanceof SeqTakenError;
}
