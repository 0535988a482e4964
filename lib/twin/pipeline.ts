/**
 * The pipeline: readings -> one model run per batch -> points -> per-asset buffers, telemetry
 * writer and subscribers. Batches are processed one at a time, in arrival order, so sequence
 * numbers follow the order readings came in whatever the model's latency.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import { recordPrediction } from '../metrics';
import { AssetStream } from './asset-stream';
import type { RowCheck, Scorer } from './scorer';
import type { AssetInfo, Point, PointFlag, Reading } from './types';

export interface PipelineOptions {
  assets: AssetInfo[];
  /** The active model, or null while none can run (points then carry `model_unavailable`). */
  scorer: () => Scorer | null;
  /**
   * Called for every point, in order (broadcast, storage, alerts...). `stored` is true when the
   * point was already committed (durable ingest), so the telemetry writer must not write it again.
   */
  onPoint: (assetId: string, point: Point, stored: boolean) => void;
  bufferSeconds: number;
  rateHz: number;
  logger: Logger;
  /** Clustered mode (issue 16): whether this instance owns the asset (embedded: every asset). */
  owns?: (assetId: string) => boolean;
}

/** Clustered mode: commits scored readings and gives their seqs (lib/twin/sequencer.ts). */
export interface PointSequencer {
  submit(items: { assetId: string; point: Omit<Point, 'seq'> }[]): Promise<unknown>;
}

export class UnknownAssetError extends Error {
  constructor(readonly assetId: string) {
    super(`unknown asset "${assetId}"`);
    this.name = 'UnknownAssetError';
  }
}

export class Pipeline {
  private readonly streams = new Map<string, AssetStream>();
  private list: AssetInfo[];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;
  /** Points each asset's buffer holds at most. */
  readonly capacity: number;
  /** This process's sequence numbering (see SubscribeRequest.epoch). */
  readonly epoch: string;
  readonly stats = { points: 0, batches: 0, scored: 0, outOfRange: 0, unscored: 0, lastInferenceMs: 0 };

  constructor(private readonly opts: PipelineOptions) {
    this.log = opts.logger.child({ module: 'pipeline' });
    // Count bound: the age window at the configured rate, with headroom for ingest bursts.
    this.capacity = Math.max(1_000, Math.ceil(opts.bufferSeconds * opts.rateHz * 1.5));
    this.epoch = randomUUID();
    this.list = [];
    for (const a of opts.assets) this.addAsset(a);
  }

  get assets(): AssetInfo[] {
    return this.list;
  }

  /**
   * Adds an asset at run time (the asset registry), or replaces the description of one already
   * streamed (its buffer and sequence numbers stay).
   */
  addAsset(asset: AssetInfo): void {
    if (!this.streams.has(asset.id))
      this.streams.set(asset.id, new AssetStream(asset.id, this.epoch, this.capacity, this.opts.bufferSeconds * 1000));
    const i = this.list.findIndex((a) => a.id === asset.id);
    this.list = i < 0 ? [...this.list, asset] : this.list.map((a, k) => (k === i ? asset : a));
  }

  /**
   * Stops an asset's stream at run time (retired): its readings are refused from now on; a batch
   * already being scored is still stored but no longer streamed.
   */
  removeAsset(assetId: string): boolean {
    if (!this.streams.delete(assetId)) return false;
    this.list = this.list.filter((a) => a.id !== assetId);
    return true;
  }

  stream(assetId: string): AssetStream | undefined {
    return this.streams.get(assetId);
  }

  hasAsset(assetId: string): boolean {
    return this.streams.has(assetId);
  }

  /** Scores and publishes `readings` (any assets, any count) after every earlier batch. */
  ingest(readings: Reading[], extraFlags: PointFlag[] = []): Promise<Point[]> {
    for (const r of readings) if (!this.streams.has(r.assetId)) return Promise.reject(new UnknownAssetError(r.assetId));
    const run = this.queue.then(() => this.process(readings, extraFlags));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(batch: Reading[], extraFlags: PointFlag[]): Promise<Point[]> {
    // An asset removed while this batch waited its turn drops out; the others' readings go on.
    const live = batch.filter((r) => this.streams.has(r.assetId));
    if (!this.sequencer) {
      const points = await this.score(live, extraFlags);
      const out: Point[] = [];
      for (let i = 0; i < live.length; i++) {
        const p = this.append(live[i]!.assetId, points[i]!, false);
        if (p) out.push(p);
      }
      return out;
    }
    // Clustered: only the owner's readings, committed with their seqs before they are published
    // (the sequencer calls publishSequenced after the commit).
    const readings = live.filter((r) => this.owns(r.assetId));
    if (!readings.length) return [];
    const points = await this.score(readings, extraFlags);
    await this.sequencer.submit(readings.map((r, i) => ({ assetId: r.assetId, point: points[i]! })));
    return points.filter((p): p is Point => typeof (p as Point).seq === 'number');
  }

  private sequencer: PointSequencer | null = null;

  /** Clustered mode: from now on points are committed and numbered by `sequencer`. */
  useSequencer(sequencer: PointSequencer): void {
    this.sequencer = sequencer;
  }

  /** Whether this instance runs the asset's pipeline (embedded: always). */
  owns(assetId: string): boolean {
    return this.opts.owns ? this.opts.owns(assetId) : true;
  }

  /**
   * Clustered mode: publishes a point the sequencer committed with its seq (buffer, then every
   * consumer as for any point). False when it is not the asset's next seq (never expected).
   */
  publishSequenced(assetId: string, point: Point): boolean {
    const stream = this.streams.get(assetId);
    if (!stream?.appendSequenced(point)) {
      this.log.error(
        { assetId, seq: point.seq, lastSeq: stream?.lastSeq },
        'sequenced point out of order: not published',
      );
      return false;
    }
    this.countAndNotify(assetId, point, true);
    return true;
  }

  /**
   * Scores readings into points without publishing them (no sequence number yet): durable ingest
   * stores them first and publishes only what was committed (`publishLive`).
   */
  async score(readings: Reading[], extraFlags: PointFlag[] = []): Promise<Omit<Point, 'seq'>[]> {
    for (const r of readings) if (!this.streams.has(r.assetId)) throw new UnknownAssetError(r.assetId);
    const scorer = this.opts.scorer();
    const points: Omit<Point, 'seq'>[] = readings.map((r) => ({
      ts: r.ts,
      values: r.values,
      prediction: null,
      lower: null,
      upper: null,
      modelVersion: null,
      inferenceMs: null,
      flags: [...extraFlags],
      ...(r.actual !== undefined ? { actual: r.actual } : {}),
    }));

    if (!scorer) {
      for (const p of points) p.flags.push('model_unavailable');
    } else {
      const rows: number[][] = [];
      const targets: Omit<Point, 'seq'>[] = [];
      for (const p of points) {
        const check = checkReading(scorer, p.values);
        if (check.ok) {
          rows.push(check.row);
          targets.push(p);
        } else {
          p.flags.push('out_of_range');
          p.outOfRange = check.outOfRange;
        }
      }
      if (rows.length) {
        const width = scorer.features.length;
        const flat = new Float32Array(rows.length * width);
        rows.forEach((row, i) => flat.set(row, i * width));
        try {
          const { results, inferenceMs } = await scorer.scoreRows(flat, rows.length, {
            actuals: targets.map((p) => p.actual),
          });
          this.stats.lastInferenceMs = inferenceMs;
          const perVersion = new Map<string, number>();
          results.forEach((res, i) => {
            const p = targets[i]!;
            const version = res.version ?? scorer.version;
            perVersion.set(version, (perVersion.get(version) ?? 0) + 1);
            p.prediction = res.prediction;
            p.lower = res.lower;
            p.upper = res.upper;
            p.modelVersion = version;
            p.inferenceMs = inferenceMs;
          });
          for (const [version, n] of perVersion) recordPrediction(version, n, inferenceMs);
          this.stats.scored += rows.length;
        } catch (err) {
          this.log.error({ err }, 'model run failed; points published without prediction');
          for (const p of targets) p.flags.push('model_unavailable');
        }
      }
    }

    this.stats.batches++;
    return points;
  }

  /**
   * A point read back from the database (clustered mode: a new owner's buffer, a mirror filling a
   * gap, a resume across a failover) as the live pipeline published it: the signals out of range
   * are not stored, so they are judged again from the stored values by the same check scoring made
   * (against the serving model's ranges, which are the asset's feature ranges).
   */
  restoreStored<P extends Omit<Point, 'seq'>>(point: P): P {
    if (!point.flags.includes('out_of_range')) return point;
    const scorer = this.opts.scorer();
    const check = scorer ? checkReading(scorer, point.values) : null;
    return check && !check.ok ? { ...point, outOfRange: check.outOfRange } : point;
  }

  /**
   * Publishes a committed point to the live stream, unless it is late (older than the asset's
   * newest live point: a gateway back from an outage), which would put the stream out of time
   * order; a late point stays stored (History, rollup, CSV) and null is returned.
   */
  publishLive(assetId: string, point: Omit<Point, 'seq'>): Point | null {
    const latest = this.streams.get(assetId)?.latest();
    if (latest && point.ts < latest.ts) return null;
    return this.append(assetId, point, true);
  }

  /** Null when the asset was removed while its batch was being scored. */
  private append(assetId: string, scored: Omit<Point, 'seq'>, stored: boolean): Point | null {
    const stream = this.streams.get(assetId);
    if (!stream) return null;
    const point = stream.append(scored);
    this.countAndNotify(assetId, point, stored);
    return point;
  }

  private countAndNotify(assetId: string, point: Point, stored: boolean): void {
    this.stats.points++;
    if (point.flags.includes('out_of_range')) this.stats.outOfRange++;
    if (point.prediction === null) this.stats.unscored++;
    this.opts.onPoint(assetId, point, stored);
  }

  /** Resolves once every batch handed in so far is processed. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }
}

/** A reading's values judged by the model (its input row, or the signals out of range), as scoring does. */
export function checkReading(scorer: Scorer, values: Record<string, number>): RowCheck {
  return scorer.check(modelInputs(values, scorer.features));
}

/**
 * The model's inputs of a reading: an asset's extra signals (level, vibration...) ride along in
 * `values` but are not the model's to judge.
 */
function modelInputs(values: Record<string, number>, features: readonly { name: string }[]): Record<string, number> {
  let extra = false;
  for (const k in values) if (!features.some((f) => f.name === k)) extra = true;
  if (!extra) return values;
  const out: Record<string, number> = {};
  for (const f of features) if (f.name in values) out[f.name] = values[f.name]!;
  return out;
}
