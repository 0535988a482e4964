/**
 * The client side of `stream:subscribe`, for the browser hook, the test harnesses and the benches
 * alike: sends the request and gathers a chunked answer (protocol.ts) into one snapshot.
 */
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SnapshotChunk,
  StreamSnapshot,
  SubscribeAck,
  SubscribeRequest,
} from './protocol';
import { addChunk, startAssembly, type SnapshotAssembly } from './snapshot-assembly';

export type StreamSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type SnapshotResult =
  | { kind: 'snapshot'; snapshot: StreamSnapshot }
  /** The server refused the subscribe (its acknowledgement's error). */
  | { kind: 'refused'; error: string }
  /** No acknowledgement or next chunk in time, a disconnect, or a chunk out of place: ask again. */
  | { kind: 'failed'; reason: string };

/**
 * Sends `stream:subscribe` and calls `done` once with the whole snapshot (or why not). `done` runs
 * inside the handler of the message that completes the snapshot, so a live point that arrived in
 * the same read is dispatched after it, never before. `timeoutMs` bounds the wait for the
 * acknowledgement and for each chunk after it. Returns a function that abandons the request
 * (`done` is not called afterwards).
 */
export function requestSnapshot(
  socket: StreamSocket,
  req: SubscribeRequest,
  done: (result: SnapshotResult) => void,
  opts: { timeoutMs?: number } = {},
): () => void {
  let assembly: SnapshotAssembly | null = null;
  let finished = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    finished = true;
    clearTimeout(timer);
    socket.off('stream:snapshot-chunk', onChunk);
    socket.off('disconnect', onDisconnect);
  };
  const finish = (result: SnapshotResult) => {
    if (finished) return;
    stop();
    done(result);
  };
  const arm = () => {
    if (opts.timeoutMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => finish({ kind: 'failed', reason: 'the server did not answer' }), opts.timeoutMs);
  };
  const onChunk = (chunk: SnapshotChunk) => {
    if (!assembly) return;
    const outcome = addChunk(assembly, chunk);
    if (outcome.kind === 'complete') finish({ kind: 'snapshot', snapshot: outcome.snapshot });
    else if (outcome.kind === 'broken') finish({ kind: 'failed', reason: outcome.reason });
    else if (outcome.kind === 'partial') arm();
  };
  const onDisconnect = () => finish({ kind: 'failed', reason: 'disconnected' });

  // Listening before the emit: chunks follow the acknowledgement closely.
  socket.on('stream:snapshot-chunk', onChunk);
  socket.on('disconnect', onDisconnect);
  arm();
  socket.emit('stream:subscribe', req, (res: SubscribeAck) => {
    if (finished) return;
    if (!res.ok) return finish({ kind: 'refused', error: res.error });
    if (res.more === undefined || res.more === 0) return finish({ kind: 'snapshot', snapshot: res.snapshot });
    assembly = startAssembly(res);
    arm();
  });
  return stop;
}

/** `requestSnapshot` as a promise: the snapshot, or an error with the refusal or failure. */
export function fetchSnapshot(
  socket: StreamSocket,
  req: SubscribeRequest,
  opts: { timeoutMs?: number } = {},
): Promise<StreamSnapshot> {
  return new Promise((resolve, reject) =>
    requestSnapshot(
      socket,
      req,
      (r) =>
        r.kind === 'snapshot' ? resolve(r.snapshot) : reject(new Error(r.kind === 'refused' ? r.error : r.reason)),
      opts,
    ),
  );
}
