import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from 'next-auth/jwt';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../log';
import type { ClientToServerEvents, ServerToClientEvents, SessionInfo } from './protocol';
import { createRealtime, type RealtimeServer } from './server';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const MAX_AGE_S = 3600;
let http: Server;
let io: RealtimeServer;
let url: string;
const clients: Socket[] = [];

beforeAll(async () => {
  http = createServer();
  io = createRealtime(http, { authSecret: SECRET, secureCookie: false, sessionMaxAgeSeconds: MAX_AGE_S, logger });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await new Promise<void>((r) => io.close(() => r()));
});

function client(cookie?: string): Socket<ServerToClientEvents, ClientToServerEvents> {
  const c: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
  });
  clients.push(c);
  return c;
}

const connectError = (c: Socket) =>
  new Promise<Error>((resolve, reject) => {
    c.once('connect_error', resolve);
    c.once('connect', () => reject(new Error('connected without a valid session')));
  });

describe('socket.io authentication', () => {
  it('refuses a connection without a session cookie', async () => {
    expect((await connectError(client())).message).toBe('unauthorized');
  });

  it('refuses a forged or foreign-secret session cookie', async () => {
    const foreign = await encode({
      token: { sub: 'u1', username: 'mallory', role: 'admin' },
      secret: 'another-secret-another-secret-another-1',
    });
    expect((await connectError(client(`next-auth.session-token=${foreign}`))).message).toBe('unauthorized');
    expect((await connectError(client('next-auth.session-token=garbage'))).message).toBe('unauthorized');
  });

  it('refuses an expired session', async () => {
    const expired = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator' },
      secret: SECRET,
      maxAge: -60,
    }); // jose allows 15 s of clock skew
    expect((await connectError(client(`next-auth.session-token=${expired}`))).message).toBe('unauthorized');
  });

  it('accepts a valid next-auth session and tells the client who it is', async () => {
    const token = await encode({ token: { sub: 'u1', username: 'olivia', role: 'operator' }, secret: SECRET });
    const c = client(`other=1; next-auth.session-token=${token}`);
    const info = await new Promise<SessionInfo>((resolve, reject) => {
      c.once('session:ready', resolve);
      c.once('connect_error', reject);
    });
    expect(info).toEqual({ username: 'olivia', role: 'operator' });
    const serverTime = await new Promise<number>((resolve) => c.emit('session:ping', resolve));
    expect(Math.abs(serverTime - Date.now())).toBeLessThan(5_000);
  });

  it('refuses a session whose login is older than the lifetime, though its cookie was renewed', async () => {
    // What GET /api/auth/session hands back after renewals: a fresh exp, the original login time.
    const now = Math.floor(Date.now() / 1000);
    const renewed = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator', authTime: now - MAX_AGE_S - 5 },
      secret: SECRET,
    });
    expect((await connectError(client(`next-auth.session-token=${renewed}`))).message).toBe('unauthorized');
    // A bearer login token is not a browser session either.
    const apiToken = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator', typ: 'api' },
      secret: SECRET,
    });
    expect((await connectError(client(`next-auth.session-token=${apiToken}`))).message).toBe('unauthorized');
  });

  it('closes an open socket when its session ends', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator', authTime: now - MAX_AGE_S + 2 },
      secret: SECRET,
    });
    const c = client(`next-auth.session-token=${token}`);
    await new Promise<void>((resolve, reject) => {
      c.once('connect', resolve);
      c.once('connect_error', reject);
    });
    const t0 = Date.now();
    const reason = await new Promise<string>((resolve) => c.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    expect(Date.now() - t0).toBeLessThan(3_500);
  });
});
