/**
 * One console instance of a cluster test, in a process of its own (instances must not share
 * `globalThis` caches, or a test of cross-instance invalidation could not fail). The real wiring
 * (startConsole, no web pages: bearer calls take the machine fast path) on DATABASE_URL,
 * REDIS_URL and DATA_DIR from the environment. Prints `READY {port, pid}` once it listens, then
 * takes one JSON command a line on stdin and answers `RESULT {id, ok, value | error}`: the admin
 * actions the admin API would call (same services), so a test can act on one instance and watch
 * another. SIGTERM shuts it down gracefully.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../lib/config/env';
import { logger } from '../lib/log';
import { hashPassword } from '../lib/auth/password';
import type { Role } from '../lib/auth/roles';
import { startConsole, type ConsoleHandle } from '../lib/server/start-console';
import { exitOnError } from './throwaway-console';
import { benchSessionCookie } from '../scripts/bench-session';
import { decode } from 'next-auth/jwt';
import { readSessionClaims } from '../lib/auth/session-claims';
import { createAssetSchema, patchAssetSchema } from '../lib/assets/schemas';

type Args = Record<string, unknown>;
const actor = { username: 'cluster-test', address: '127.0.0.1' };

function commands(handle: ConsoleHandle): Record<string, (a: Args) => Promise<unknown>> {
  const s = handle.services;
  const admin = () => s.admin!;
  return {
    /** Creates a user with an API key; returns the key and a session cookie. */
    async user(a) {
      const username = String(a.username);
      const role = (a.role as Role) ?? 'operator';
      if (!(await s.users.findByUsername(username)))
        await s.users.create({ username, role, passwordHash: await hashPassword(String(a.password ?? 'pw-12345678')) });
      const { key } = await admin().createKey(actor, { username, days: 1 });
      return { key, cookie: await benchSessionCookie(handle, username, role) };
    },
    disable: async (a) => (await admin().setDisabled(actor, String(a.username), true)).disabled,
    revokeKey: async (a) => (await admin().revokeKey(actor, String(a.prefix))).prefix,
    login: (a) => s.login.authenticate({ username: a.username, password: a.password }, String(a.address)),
    /** What next-auth's signOut event does with the session's token (lib/auth/auth-options.ts). */
    async logout(a) {
      const token = await decode({ token: String(a.cookie).split('=')[1], secret: s.authSecret });
      const claims = readSessionClaims(token, Date.now(), s.config.SESSION_MAX_AGE_HOURS * 3600);
      if (!claims) throw new Error('not a valid session cookie');
      await s.auth.loggedOut.mark(claims.userId, claims.sid, claims.expiresAtMs);
      return claims.sid;
    },
    activate: (a) => s.models!.activate({ name: String(a.name), version: String(a.version) }, actor),
    active: async () => s.models!.active(),
    /** Uploads the package in directory `dir` (twin.json + model.onnx), as the admin API does. */
    upload: async (a) =>
      s.models!.upload(
        {
          twin: readFileSync(path.join(String(a.dir), 'twin.json')),
          model: readFileSync(path.join(String(a.dir), 'model.onnx')),
        },
        actor,
      ),
    drift: async () => s.models!.drift(),
    startAb: (a) => s.models!.startAb(a as never, actor),
    stopAb: () => s.models!.stopAb(actor),
    ab: async () => s.models!.ab(),
    rules: async () => s.alerts!.rules(),
    /** The asset registry, as the asset API calls it (same schemas, same service). */
    createAsset: (a) => s.assets.create(createAssetSchema.parse(a), actor),
    updateAsset: (a) => s.assets.update(String(a.id), patchAssetSchema.parse(a.changes), actor),
    retireAsset: (a) => s.assets.retire(String(a.id), actor),
    sparkplugAsset: async (a) => s.assets.sparkplugAsset(String(a.group), String(a.edge), String(a.device)) ?? null,
    updateRule: (a) => s.alerts!.updateRule(String(a.id), a.changes as never, actor),
    /** What Admin -> Assets shows of the plant connection (GET /api/v1/ingest/status). */
    ingestStatus: async () => s.ingestStatus!.report(),
  };
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' });
  const handle = await startConsole({ config, logger, dev: false, web: false, announce: () => {} });
  const table = commands(handle);
  process.on('SIGTERM', () => void handle.close().finally(() => process.exit(0)));
  createInterface({ input: process.stdin }).on('line', (line) => {
    let id: unknown = null;
    void (async () => {
      const { id: given, cmd, args } = JSON.parse(line) as { id: unknown; cmd: string; args?: Args };
      id = given;
      const fn = table[cmd];
      if (!fn) throw new Error(`unknown command ${cmd}`);
      return fn(args ?? {});
    })().then(
      (value) => process.stdout.write(`RESULT ${JSON.stringify({ id, ok: true, value })}\n`),
      (err: unknown) => process.stdout.write(`RESULT ${JSON.stringify({ id, ok: false, error: String(err) })}\n`),
    );
  });
  process.stdout.write(`READY ${JSON.stringify({ port: handle.port, pid: process.pid })}\n`);
}

main().catch(exitOnError);
