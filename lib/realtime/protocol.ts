/**
 * The socket.io protocol: types only, imported by the server hub and the browser hook alike.
 * Events are named `domain:verb`.
 *
 * Stream: the client subscribes to an asset (optionally with the last seq it saw). The server
 * answers with a snapshot, then sends every new point in the asset's room. A resubscribe with
 * `sinceSeq` gets exactly the missed points while they are still buffered (`reset: false`);
 * otherwise a fresh snapshot with `reset: true` (the client must drop what it holds).
 *
 * A large snapshot comes in pieces (one ~5 MB message held the server's event loop ~55 ms): the
 * acknowledgement carries the first points and `more`, the number of `stream:snapshot-chunk`s
 * that follow. The last chunk also carries the points the stream gained while the chunks were
 * sent, and only then do live points start: ack, chunks, live points, with no gap or repeat.
 * Clients gather the pieces with `requestSnapshot` (request-snapshot.ts).
 */
import type { AlarmPriority, AlertState } from '../alerts/alarm-vocabulary';
import type { Role } from '../auth/roles';
import type { Annotation } from '../annotations/types';
import type { Point } from '../twin/types';
import type { SourceStatus } from '../twin/source-monitor';

export type { SourceState, SourceStatus } from '../twin/source-monitor';

export interface SessionInfo {
  username: string;
  role: Role;
}

export interface SubscribeRequest {
  assetId: string;
  /** The last seq the client holds for this asset; absent for a first subscribe. */
  sinceSeq?: number;
  /**
   * The `epoch` of the snapshot the client's points came from. Seqs restart when the server
   * restarts; a different epoch means the client's seqs mean nothing here (reset).
   */
  epoch?: string;
  /** Only points newer than this (epoch ms) are wanted in the snapshot. */
  sinceTs?: number;
  /** The snapshot is downsampled to at most this many points (default 2,000, max 20,000). */
  maxPoints?: number;
}

export interface StreamSnapshot {
  assetId: string;
  /** Identifies this server process's numbering; send it back with `sinceSeq` on a resume. */
  epoch: string;
  points: Point[];
  /** Seq of the newest point the server has for the asset (-1 when none yet). */
  lastSeq: number;
  /** true: discard what you hold and start from `points`; false: `points` continue your buffer. */
  reset: boolean;
  /** true when `points` were thinned to `maxPoints` (the buffer held more). */
  downsampled: boolean;
}

export type SubscribeAck =
  /** The whole snapshot. */
  | { ok: true; snapshot: StreamSnapshot; more?: undefined }
  /**
   * The snapshot's first points (`snapshot.lastSeq` is the whole snapshot's); `more` chunks of
   * transfer `transfer` follow as `stream:snapshot-chunk`.
   */
  | { ok: true; snapshot: StreamSnapshot; more: number; transfer: number }
  | { ok: false; error: string };

/** The next piece of a snapshot announced by a subscribe acknowledgement with `more`. */
export interface SnapshotChunk {
  assetId: string;
  /** The acknowledgement's `transfer`: tells apart two subscribes to one asset on one socket. */
  transfer: number;
  /** The next points of the snapshot, in order. */
  points: Point[];
  /**
   * The final piece: its points end with those the stream gained since the snapshot was taken
   * (seqs after `snapshot.lastSeq`); live `stream:points` follow it.
   */
  last: boolean;
}

/** An alert as browsers see it (times are epoch ms, UTC). */
/** An alarm as it is sent to browsers and the webhook and answered by the API (ISA-18.2 state). */
export interface AlertEvent {
  id: number;
  ruleId: string;
  assetId: string;
  signal: string;
  severity: 'warning' | 'critical';
  priority: AlarmPriority;
  direction: 'low' | 'high';
  limit: number;
  value: number;
  peak: number;
  state: AlertState;
  raisedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
  /** When the condition returned to normal; null while active. */
  returnedAt: number | null;
  /** When the alarm closed (returned and acknowledged). */
  clearedAt: number | null;
  shelf: { kind: 'one_shot' | 'timed'; until: number | null; by: string; reason: string } | null;
}

export interface ServerToClientEvents {
  'session:ready': (info: SessionInfo) => void;
  /**
   * New points of one asset, in seq order: those published in one turn of the server's event
   * loop travel in one frame (issue 15).
   */
  'stream:points': (msg: { assetId: string; points: Point[] }) => void;
  'stream:snapshot-chunk': (chunk: SnapshotChunk) => void;
  'model:changed': (msg: { name: string; version: string } | null) => void;
  /** A new alert (every connected console gets it: the header banner counts them all). */
  'alert:raised': (alert: AlertEvent) => void;
  /** Any other transition of an alarm (acknowledged, returned, cleared, shelved, ...): the whole alarm in its new state. */
  'alert:updated': (alert: AlertEvent) => void;
  /** An asset's source went live, stale or offline (the current ones: `asset:statuses`). */
  'asset:status': (status: SourceStatus) => void;
  /** A note put on the trends (issue 18), by anyone: every console draws it. */
  'annotation:created': (annotation: Annotation) => void;
  /** A note's text or time changed: the whole annotation as it is now. */
  'annotation:updated': (annotation: Annotation) => void;
  'annotation:deleted': (annotation: Pick<Annotation, 'id' | 'assetId'>) => void;
  /** An asset was created, edited or retired (issue 15): pickers reload the list (GET /api/v1/assets). */
  'assets:changed': (change: { kind: 'created' | 'updated' | 'retired'; id: string }) => void;
}

export interface ClientToServerEvents {
  'session:ping': (ack: (serverTime: number) => void) => void;
  /**
   * The snapshot comes back in the acknowledgement (and, when large, in chunks after it), so it
   * can never race the first point.
   */
  'stream:subscribe': (req: SubscribeRequest, ack: (res: SubscribeAck) => void) => void;
  'stream:unsubscribe': (req: { assetId: string }) => void;
  /** Every asset's source status now (on mount and after each reconnect; changes come as `asset:status`). */
  'asset:statuses': (ack: (statuses: SourceStatus[]) => void) => void;
}

/** Between instances (clustered mode, through the Redis adapter). */
export interface InterServerEvents {
  /** The owner of an asset committed and published a point: every other instance mirrors it. */
  'twin:point': (msg: { assetId: string; epoch: string; point: Point }) => void;
  /** The owner of an asset judged its source (live, stale, offline): the others answer `asset:statuses` with it. */
  'source:status': (status: SourceStatus) => void;
}

/** What the auth middleware attaches to every accepted socket. */
export interface SocketData {
  userId: string;
  username: string;
  role: Role;
}
