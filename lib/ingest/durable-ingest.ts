/**
 * Durable, idempotent ingest of outside readings (HTTP, MQTT): score -> commit (group commit,
 * duplicates of (asset, ts) skipped) -> publish to the live stream only what was committed and
 * is not late. The promise resolves after the commit, so its caller may then acknowledge.
 */
import type { Pipeline } from '../twin/pipeline';
import type { Point, PointFlag, Reading } from '../twin/types';
import type { GroupCommit, StoredRow } from './group-commit';

/**
 * new: stored and streamed; late: stored, older than the live edge, not streamed; duplicate:
 * stored before; queued (clustered mode): stored by an instance that does not own the asset, to
 * be scored and streamed by its owner.
 */
export type ReadingStatus = 'new' | 'late' | 'duplicate' | 'queued';

export interface IngestedReading {
  status: ReadingStatus;
  /** The scored point; `seq` only when it was streamed (status new). */
  point: Omit<Point, 'seq'> & { seq: number | null };
}

export interface IngestResult {
  /** Readings stored by this request (new + late + queued). */
  accepted: number;
  duplicates: number;
  late: number;
  readings: IngestedReading[];
}

/** Rejects with NotStoredError (nothing acknowledged) when the commit failed. */
export async function ingestDurably(
  pipeline: Pipeline,
  commit: GroupCommit,
  readings: Reading[],
  flags: PointFlag[] = ['ingested'],
): Promise<IngestResult> {
  return (await submitDurably(pipeline, commit, readings, flags)).committed;
}

/** Readings handed to the group commit, in order; `committed` settles as `ingestDurably` does. */
export interface Submitted {
  committed: Promise<IngestResult>;
}

/**
 * Scores the readings and queues them for the next commit, then resolves (without waiting for
 * the commit). A caller that must keep an order (MQTT: the messages of a connection) submits the
 * next batch once this resolved, and many batches then share one transaction: group commit
 * answers in submission order, so their points are published in that order too.
 */
export async function submitDurably(
  pipeline: Pipeline,
  commit: GroupCommit,
  readings: Reading[],
  flags: PointFlag[] = ['ingested'],
): Promise<Submitted> {
  const scored = await pipeline.score(readings, flags);
  const rows: StoredRow[] = readings.map((r, i) => ({ assetId: r.assetId, point: scored[i]! as Point }));
  const committed = commit.submit(rows).then((inserted) => publishCommitted(pipeline, rows, inserted));
  // The caller attaches its own handlers a moment later; this one keeps Node from reporting a
  // failed commit as unhandled in between.
  committed.catch(() => {});
  return { committed };
}

function publishCommitted(pipeline: Pipeline, rows: StoredRow[], inserted: Set<StoredRow>): IngestResult {
  const result: IngestResult = { accepted: 0, duplicates: 0, late: 0, readings: [] };
  for (const row of rows) {
    if (!inserted.has(row)) {
      result.duplicates++;
      result.readings.push({ status: 'duplicate', point: { ...row.point, seq: null } });
      continue;
    }
    result.accepted++;
    const live = pipeline.publishLive(row.assetId, row.point);
    if (live) result.readings.push({ status: 'new', point: live });
    else {
      result.late++;
      result.readings.push({ status: 'late', point: { ...row.point, seq: null } });
    }
  }
  return result;
}
