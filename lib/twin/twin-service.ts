/**
 * The live twin: owns the pipeline, its sources (simulator), the telemetry writer and the stream
 * hub; the serving model comes from the model manager (lib/serving). Built once per process by
 * `startConsole`.
 */
import type { Logger } from '../log';
import { PROCESS_FEATURES, PROCESS_TARGET } from '../plant/process-model';
import { DEFAULT_SIGNALS, plantAssets, Simulator } from '../plant/simulator';
import type { StreamHub } from '../realtime/hub';
import { Pipeline } from './pipeline';
import type { TwinModel } from '../model';
import type { ModelManager } from '../serving/model-manager';
import { runSimulator } from './simulator-source';
import { bandInfo } from '../model/band-label';
import { TelemetryWriter, type TelemetrySink } from './telemetry-writer';
import type { AssetInfo, Point, Reading, SignalValues, StreamCatalog } from './types';
import { GroupCommit, type CommitSink } from '../ingest/group-commit';
import { ingestDurably, submitDurably, type IngestResult, type Submitted } from '../ingest/durable-ingest';
import { createClusterStream, type ClusterStream, type ClusterStreamDeps } from './cluster-stream';

export interface TwinOptions {
  assetCount: number;
  /**
   * The assets to stream (the asset registry's); when given, `assetCount` and `externalAssets`
   * are not used. Simulated ones (`source: 'simulator'`) are driven toward their setpoints.
   */
  assets?: AssetInfo[];
  /** Ingest-only assets (EXTERNAL_ASSETS): streamed, stored and alerted like the others, never simulated. */
  externalAssets?: readonly string[];
  simulator: boolean;
  rateHz: number;
  seed: number;
  bufferSeconds: number;
  /** The serving model (activation, A/B, degraded mode): the pipeline's scorer and the API's model. */
  models: Pick<ModelManager, 'scorer' | 'model' | 'problem' | 'observePoint'>;
  /** The simulator's writes (batched, once a second) and durable ingest's (group commit). */
  sink: TelemetrySink & CommitSink;
  /** Ingest transactions that may run at once (PostgreSQL: several; PGlite's one connection: 1). */
  commitConcurrency?: number;
  hub: StreamHub;
  /** The plant's ground truth, when simulated (recorded as each point's `actual`). */
  truth?: (values: SignalValues) => number;
  /** Extra consumers of every point, in order (the alert engine); must not block or throw. */
  onPoint?: (assetId: string, point: Point) => void;
  logger: Logger;
  /** Clustered mode (issue 16): this instance runs only the assets it owns and mirrors the others. */
  cluster?: Omit<ClusterStreamDeps, 'pipeline' | 'publishLocal' | 'bufferSeconds' | 'capacity' | 'logger'>;
}

export interface TwinService {
  pipeline: Pipeline;
  writer: TelemetryWriter;
  /** Outside readings: resolves after they are committed (rejects with NotStoredError when not). */
  ingest(readings: Reading[]): Promise<IngestResult>;
  /**
   * As `ingest`, in two steps: resolves once the readings are queued for the next commit (in
   * order), `committed` once they are stored. Clustered mode: resolves after the commit.
   */
  submit(readings: Reading[]): Promise<Submitted>;
  commits: GroupCommit;
  /** Clustered mode: ownership hooks, mirrors and the sequencer; null in the embedded mode. */
  cluster: ClusterStream | null;
  catalog(): StreamCatalog;
  model(): TwinModel | null;
  modelProblem(): string | null;
  /** Starts (or re-describes) an asset's stream at run time; a simulated one joins the simulator. */
  addAsset(asset: AssetInfo): void;
  /** Stops an asset's stream at run time (retired): no more points; stored history stays. */
  removeAsset(assetId: string): void;
  close(): Promise<void>;
}

export function createTwinService(opts: TwinOptions): TwinService {
  const log = opts.logger.child({ module: 'twin' });
  const assets = opts.assets ? opts.assets.filter((a) => a.source === 'simulator') : plantAssets(opts.assetCount);
  const external = opts.assets
    ? opts.assets.filter((a) => a.source !== 'simulator')
    : (opts.externalAssets ?? []).map((id) => {
        if (assets.some((a) => a.id === id)) throw new Error(`EXTERNAL_ASSETS: ${id} is already a simulated asset`);
        return { id, name: id, setpoints: {}, source: 'external' as const };
      });
  const { models } = opts;
  const writer = new TelemetryWriter(opts.sink, log);
  const commits = new GroupCommit(opts.sink, undefined, opts.commitConcurrency ?? 1);
  const pipeline = new Pipeline({
    assets: opts.assets ?? [
      ...assets.map(({ id, name, setpoints }) => ({ id, name, setpoints, source: 'simulator' as const })),
      ...external,
    ],
    scorer: () => models.scorer(),
    onPoint: (assetId, point, stored) => {
      models.observePoint(point, assetId);
      if (!stored) writer.enqueue(assetId, point);
      opts.hub.publish(assetId, point);
      opts.onPoint?.(assetId, point);
    },
    bufferSeconds: opts.bufferSeconds,
    rateHz: opts.rateHz,
    logger: opts.logger,
    ...(opts.cluster ? { owns: opts.cluster.owns } : {}),
  });
  writer.start();
  const cluster = opts.cluster
    ? createClusterStream({
        ...opts.cluster,
        pipeline,
        publishLocal: (assetId, point) => opts.hub.publish(assetId, point),
        bufferSeconds: opts.bufferSeconds,
        capacity: pipeline.capacity,
        logger: opts.logger,
      })
    : null;

  const simulator = opts.simulator
    ? new Simulator({ assets, signals: DEFAULT_SIGNALS, seed: opts.seed, truth: opts.truth })
    : null;
  const sim = simulator ? runSimulator(simulator, pipeline, opts.rateHz, log) : null;
  const scorer = models.scorer();
  log.info(
    {
      assets: assets.length + external.length,
      external: external.length,
      simulator: opts.simulator,
      rateHz: opts.rateHz,
      model: scorer ? `${scorer.name}/${scorer.version}` : null,
    },
    'twin started',
  );

  /** What the serving model's band means (its coverage), for labels. */
  const bandOfServing = () => {
    const served = models.model();
    return served ? bandInfo(served.manifest.interval) : null;
  };

  return {
    pipeline,
    writer,
    commits,
    cluster,
    ingest: (readings) => (cluster ? cluster.ingest(readings) : ingestDurably(pipeline, commits, readings)),
    // The cluster's sequencer keeps order only within one call: wait for it before the next.
    submit: (readings) =>
      cluster
        ? cluster.ingest(readings).then((result) => ({ committed: Promise.resolve(result) }))
        : submitDurably(pipeline, commits, readings),
    addAsset(asset) {
      pipeline.addAsset(asset);
      if (asset.source === 'simulator') simulator?.addAsset(asset);
      else simulator?.removeAsset(asset.id);
    },
    removeAsset(assetId) {
      simulator?.removeAsset(assetId);
      pipeline.removeAsset(assetId);
    },
    model: () => models.model(),
    modelProblem: () => models.problem(),
    catalog(): StreamCatalog {
      // Without a model the plant's own signal descriptions label the views.
      const scorer = models.scorer();
      const signals =
        scorer?.features ??
        PROCESS_FEATURES.map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max }));
      return {
        assets: pipeline.assets,
        signals,
        target: scorer?.target ?? { ...PROCESS_TARGET },
        model: scorer ? { name: scorer.name, version: scorer.version } : null,
        band: bandOfServing(),
        rateHz: opts.rateHz,
        bufferSeconds: opts.bufferSeconds,
      };
    },
    async close() {
      sim?.stop();
      await pipeline.idle();
      await cluster?.sequencer.idle();
      await commits.idle();
      await writer.close();
    },
  };
}
