/**
 * Starts the real console process wiring (config, database, auth, socket.io, pipeline,
 * simulator) on a random port with a throwaway data directory, without Next.js pages, and makes
 * authenticated socket.io clients for it. Integration tests use it; nothing is faked.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../lib/config/env';
import { logger } from '../lib/log';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  StreamSnapshot,
  SubscribeRequest,
} from '../lib/realtime/protocol';
import { fetchSnapshot } from '../lib/realtime/request-snapshot';
import { startConsole, type ConsoleHandle } from '../lib/server/start-console';
import type { Role } from '../lib/auth/roles';
import { hashPassword } from '../lib/auth/password';
import { seedPgliteDir } from './pglite-template';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Harness {
  handle: ConsoleHandle;
  url: string;
  secret: string;
  dataDir: string;
  sessionCookie(username?: string, role?: Role): Promise<string>;
  client(cookie?: string | null): TestSocket;
  stop(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, dataDir?: string): Promise<Harness> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'twinops-it-'));
  // A first start on the embedded database: from a copy of the migrated template (~5 s saved).
  if (!env.DATABASE_URL && !existsSync(path.join(dir, 'pglite'))) await seedPgliteDir(dir);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOSTNAME: '127.0.0.1',
    DATA_DIR: dir,
    ADMIN_PASSWORD: 'integration-admin',
    NEXTAUTH_SECRET: 'integration-secret-integration-secret-01',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const handle = await startConsole({ config, logger, dev: false, web: false, announce: () => {} });
  const url = `http://127.0.0.1:${handle.port}`;
  const sockets: TestSocket[] = [];
  return {
    handle,
    url,
    secret: handle.services.authSecret,
    dataDir: dir,
    async sessionCookie(username = 'olivia', role: Role = 'operator') {
      // Sessions are checked against the user's current state: the user must exist with this role.
      const { users } = handle.services;
      let user = await users.findByUsername(username);
      if (!user)
        user = {
          ...(await users.create({ username, passwordHash: await hashPassword(`${username}-password`), role })),
          passwordHash: '',
        };
      else if (user.role !== role) user = { ...(await users.setRole(username, role)), passwordHash: '' };
      handle.services.auth.userStates.forget(user.id);
      const token = await encode({
        token: { sub: user.id, username, role, name: username },
        secret: handle.services.authSecret,
      });
      return `next-auth.session-token=${token}`;
    },
    client(cookie) {
      const s: TestSocket = connect(url, {
        transports: ['websocket'],
        extraHeaders: cookie ? { cookie } : {},
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
      });
      sockets.push(s);
      return s;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await handle.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Subscribes and resolves with the whole snapshot (a large one gathered from its chunks). */
export function subscribe(socket: TestSocket, req: SubscribeRequest): Promise<StreamSnapshot> {
  return fetchSnapshot(socket, req);
}

export function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (predicate()) resolve();
      else if (Date.now() - t0 > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      else setTimeout(check, 20);
    };
    check();
  });
}
