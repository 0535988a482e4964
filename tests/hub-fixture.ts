/**
 * The stream hub alone, for tests that place socket work exactly: a real HTTP server, the real
 * socket.io server and hub, one real AssetStream ('a1'), and the work queue the test passes in
 * (usually one it steps by hand). `produce` appends a point and publishes it as the pipeline does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from 'next-auth/jwt';
import { io as connect } from 'socket.io-client';
import { logger } from '../lib/log';
import { attachStreamHub, type StreamHub } from '../lib/realtime/hub';
import type { StreamSocket } from '../lib/realtime/request-snapshot';
import { createRealtime } from '../lib/realtime/server';
import type { WorkQueue } from '../lib/realtime/snapshot-queue';
import { createSocketGuard } from '../lib/realtime/socket-guard';
import { AssetStream } from '../lib/twin/asset-stream';
import type { Point } from '../lib/twin/types';

const SECRET = 'test-secret-test-secret-test-secret-0123';
export const HUB_T0 = 1_750_000_000_000;

export interface HubFixture {
  stream: AssetStream;
  hub: StreamHub;
  /** One more point on 'a1' (50 ms after the last), published to its room. */
  produce(): Point;
  /** A connected operator socket (closed by `close`). */
  client(): Promise<StreamSocket>;
  close(): Promise<void>;
}

/** Starts the hub with `buffered` points already on the stream. */
export async function startHubFixture(queue: WorkQueue, buffered: number): Promise<HubFixture> {
  const http = createServer();
  const guard = createSocketGuard({ logger });
  const io = createRealtime(http, {
    authSecret: SECRET,
    secureCookie: false,
    sessionMaxAgeSeconds: 3600,
    logger,
    guard,
  });
  const stream = new AssetStream('a1', 'epoch-1', 100_000, 24 * 3_600_000);
  const hub = attachStreamHub(io, (id) => (id === 'a1' ? stream : undefined), guard, queue);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const token = await encode({ token: { sub: 'u1', username: 'olivia', role: 'operator' }, secret: SECRET });
  const cookie = `next-auth.session-token=${token}`;
  const sockets: StreamSocket[] = [];
  const produce = (): Point => {
    const prev = stream.latest();
    const point = stream.append({
      ts: (prev?.ts ?? HUB_T0) + 50,
      values: { temperature: 350, pressure: 6, flow: 100 },
      prediction: 87,
      lower: 85,
      upper: 89,
      modelVersion: '1.0.0',
      inferenceMs: 1,
      flags: [],
    });
    hub.publish('a1', point);
    return point;
  };
  for (let i = 0; i < buffered; i++) produce();
  return {
    stream,
    hub,
    produce,
    async client() {
      const s: StreamSocket = connect(url, {
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { cookie },
      });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('connect_error', reject);
      });
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await new Promise<void>((r) => io.close(() => r()));
    },
  };
}
