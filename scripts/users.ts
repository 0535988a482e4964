/**
 * Users CLI: `npm run users -- <command>`. Passwords are read from a prompt (TTY, not echoed) or
 * from the first line of stdin, never from argv (argv is visible in `ps` and shell history).
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadEnvConfig } from '@next/env';
import { ConfigError, loadConfig } from '../lib/config/env';
import { auditRepo } from '../lib/db/audit-repo';
import { openDatabase } from '../lib/db/client';
import { acquireDataDirLock } from '../lib/db/lock';
import { LastAdminError, UserNotFoundError, UsernameTakenError, usersRepo } from '../lib/db/users-repo';
import { passwordProblem } from '../lib/auth/password';
import { isRole, ROLES } from '../lib/auth/roles';
import { USERNAME_MAX_LENGTH } from '../lib/auth/login';
import { DEFAULT_KEY_DAYS, MAX_KEY_DAYS } from '../lib/auth/api-keys';
import { createUserAdmin, UserDisabledError, type Actor } from '../lib/auth/user-admin';
import { ApiKeyNotFoundError, apiKeysRepo } from '../lib/db/api-keys-repo';
import { createAuthChanges } from '../lib/db/auth-changes';
import type { ClusterEvent } from '../lib/cluster/events';
import { publishOnce } from '../lib/cluster/publish-once';
import pino from 'pino';
import { ASSET_COMMANDS, ASSET_USAGE, describeRefusal, runAssetCommand, type AssetCommand } from '../lib/assets/cli';
import { logger } from '../lib/log';

const USAGE = `Usage: npm run users -- <command> [options]

Commands:
  add <username> [--role viewer|operator|admin] [--name "Full Name"]   create a user (password prompted or from stdin)
  list                                                               list users
  set-role <username> <viewer|operator|admin>                        change a role
  disable <username> | enable <username>                             block or unblock logins
  reset-password <username>                                          set a new password (prompted or from stdin)
  key-create <username> [--days ${DEFAULT_KEY_DAYS}] [--name label]                 create an API key (printed once)
  key-list [username]                                                list API keys (prefix, owner, state)
  key-revoke <prefix>                                                revoke an API key at once
${ASSET_USAGE}

An API key acts with its owner's current role; a disabled owner's keys stop working.

The database is the console's: DATA_DIR (embedded) or DATABASE_URL, as for the server.
With the embedded database, stop the console first (it holds the database open).`;

class UsageError extends Error {}

async function readPassword(confirm: boolean): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line.replace(/\r$/, '');
    }
    throw new UsageError('no password on stdin');
  }
  const ask = async (prompt: string) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (!muted) process.stdout.write(chunk);
        cb();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    process.stdout.write(prompt);
    muted = true;
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    rl.close();
    process.stdout.write('\n');
    return answer;
  };
  const first = await ask('Password: ');
  if (confirm && (await ask('Repeat password: ')) !== first) throw new UsageError('passwords do not match');
  return first;
}

async function newPassword(): Promise<string> {
  const password = await readPassword(true);
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  return password;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string' },
      path: { type: 'string' },
      source: { type: 'string' },
      description: { type: 'string' },
      signals: { type: 'string' },
      sparkplug: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const known = [
    'add',
    'list',
    'set-role',
    'disable',
    'enable',
    'reset-password',
    'key-create',
    'key-list',
    'key-revoke',
    ...ASSET_COMMANDS,
  ];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);
  const assetCommand = (ASSET_COMMANDS as readonly string[]).includes(command);
  if (assetCommand && command !== 'asset-list' && !rest[0]) throw new UsageError(`${command} needs an asset id`);
  if (command === 'asset-bind' && !rest[1])
    throw new UsageError('asset-bind needs the Sparkplug device: asset-bind <id> <group/edge/device>');
  const keyPrefix = command === 'key-revoke' ? rest[0] : undefined;
  if (command === 'key-revoke' && !/^[0-9a-f]{8}$/.test(keyPrefix ?? ''))
    throw new UsageError("key-revoke needs the key's 8-character prefix (see key-list)");
  const username = command === 'key-revoke' || assetCommand ? undefined : rest[0];
  if (command !== 'list' && command !== 'key-list' && command !== 'key-revoke' && !assetCommand && !username)
    throw new UsageError(`${command} needs a username`);
  const days = values.days === undefined ? DEFAULT_KEY_DAYS : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_KEY_DAYS)
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_KEY_DAYS}`);
  if (values.name !== undefined && values.name.length > 100)
    throw new UsageError('--name must be at most 100 characters');
  if (username && (username.length > USERNAME_MAX_LENGTH || !/^[A-Za-z0-9._@-]+$/.test(username))) {
    throw new UsageError(`username must be 1-${USERNAME_MAX_LENGTH} characters of letters, digits and . _ @ -`);
  }

  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  const config = loadConfig();
  const release = config.DATABASE_URL ? () => {} : acquireDataDirLock(config.dataDir, 'users CLI');
  const database = await openDatabase({
    url: config.DATABASE_URL,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    pgliteSharedBuffers: config.PGLITE_SHARED_BUFFERS,
  }).catch((err: unknown) => {
    release();
    throw err;
  });
  // One auth generation for the repositories: its bumps are what the running consoles are told.
  const changes = createAuthChanges();
  const users = usersRepo(database.db, changes);
  const audit = auditRepo(database.db);
  const keys = apiKeysRepo(database.db, changes);
  // The same rules and audit entries as the admin API (lib/auth/user-admin.ts); with REDIS_URL the
  // running consoles are told at the end, as an admin's change in one of them would tell the rest.
  const told: ClusterEvent[] = [];
  const offBump = changes.onBump(() => told.push({ type: 'auth.changed' }));
  const admin = createUserAdmin({
    users,
    audit,
    keys,
    onUserChanged: (u) => told.push({ type: 'user.changed', userId: u.id }),
    onSessionsRevoked: (u) => told.push({ type: 'user.sessions-revoked', userId: u.id }),
  });
  const cli: Actor = { username: 'cli' };
  try {
    // The asset registry's commands share the API's schema, service and audit (lib/assets/cli.ts).
    if (assetCommand) {
      logger.level = 'warn';
      const print = (rows: unknown) => console.table(rows);
      await runAssetCommand(command as AssetCommand, rest[0], rest[1], values, {
        config,
        db: database.db,
        audit,
        logger,
        print,
        say: console.log,
        onChanged: (assetId) => told.push({ type: 'asset.changed', assetId }),
      });
      return;
    }
    switch (command) {
      case 'list': {
        const list = await users.list();
        console.table(
          list.map((u) => ({
            username: u.username,
            name: u.displayName ?? '',
            role: u.role,
            state: u.disabled ? 'disabled' : 'active',
            lastLogin: u.lastLoginAt?.toISOString() ?? 'never',
          })),
        );
        break;
      }
      case 'add': {
        const role = values.role ?? 'viewer';
        if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        const user = await admin.createUser(cli, {
          username: username!,
          password: await newPassword(),
          role,
          displayName: values.name ?? null,
        });
        console.log(`created ${user.username} (${user.role})`);
        break;
      }
      case 'set-role': {
        const role = rest[1];
        if (!isRole(role)) throw new UsageError(`set-role needs a role: ${ROLES.join(', ')}`);
        const user = await admin.setRole(cli, username!, role);
        console.log(`${user.username} is now ${user.role}`);
        break;
      }
      case 'disable':
      case 'enable': {
        const user = await admin.setDisabled(cli, username!, command === 'disable');
        console.log(`${user.username} is ${user.disabled ? 'disabled' : 'enabled'}`);
        break;
      }
      case 'key-create': {
        const created = await admin.createKey(cli, { username: username!, days, name: values.name ?? null });
        const user = created.owner;
        console.log(
          `API key for ${user.username} (${user.role}), prefix ${created.prefix}, expires ${created.expiresAt.toISOString()}:`,
        );
        console.log(created.key);
        console.log('This key is shown only once; store it now. Send it as "Authorization: Bearer <key>".');
        break;
      }
      case 'key-list': {
        const owner = username ? await users.findByUsername(username) : null;
        if (username && !owner) throw new UserNotFoundError(username);
        const now = Date.now();
        const list = await keys.list(owner?.id);
        console.table(
          list.map((k) => ({
            prefix: k.prefix,
            owner: k.username,
            name: k.name ?? '',
            state: k.revokedAt ? 'revoked' : k.expiresAt.getTime() <= now ? 'expired' : 'active',
            expires: k.expiresAt.toISOString(),
            lastUsed: k.lastUsedAt?.toISOString() ?? 'never',
          })),
        );
        break;
      }
      case 'key-revoke': {
        const key = await admin.revokeKey(cli, keyPrefix!);
        console.log(`key ${key.prefix} of ${key.username} is revoked`);
        break;
      }
      case 'reset-password': {
        if (!(await users.findByUsername(username!))) throw new UserNotFoundError(username!);
        const user = await admin.resetPassword(cli, username!, await newPassword());
        console.log(`password of ${user.username} changed`);
        break;
      }
    }
  } finally {
    offBump();
    // Warnings on stderr: stdout is the command's answer.
    await publishOnce(config, told, pino({ level: 'warn' }, pino.destination(2)));
    await database.close();
    release();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known =
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof UsernameTakenError ||
    err instanceof UserNotFoundError ||
    err instanceof LastAdminError ||
    err instanceof ApiKeyNotFoundError ||
    err instanceof UserDisabledError;
  const refusal = describeRefusal(err);
  if (refusal) {
    console.error(`users: ${refusal}`);
    process.exit(2);
  }
  console.error(`users: ${(err as Error).message}`);
  if (err instanceof UsageError) console.error(`\n${USAGE}`);
  process.exit(known ? 2 : 1);
});
