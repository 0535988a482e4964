/**
 * `npm run cluster [-- --instances N --port 8080 --base-port 3001]`: N production consoles
 * (default 3) on ports 3001.. behind nginx on port 8080, against this machine's PostgreSQL
 * (database `twinops_cluster`, created when missing), Redis and Mosquitto. For trying the
 * scale-out (issue 16) and for tests. Ctrl-C / SIGTERM stops every child.
 *
 * nginx is Debian's (installed when missing, scripts/ensure-nginx.mjs) but runs as our own
 * foreground child with a config under data/cluster/nginx; the system service is never used.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveAuthSecret } from '../lib/config/secret';
import { instanceEnv, unreadSettings } from './cluster/instance-env';
import {
  NGINX,
  killChildrenOnExit,
  startBalancer,
  startChild,
  stopAll,
  waitForOk,
  type Child,
} from './cluster/processes';
import { ensureDatabase, portOpen } from './cluster/services';

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    port: { type: 'string', default: '8080' },
    'base-port': { type: 'string', default: '3001' },
  },
});
const count = Number(args.instances);
const balancerPort = Number(args.port);
const basePort = Number(args['base-port']);
if (!Number.isInteger(count) || count < 1 || count > 16) fail('--instances must be a whole number from 1 to 16');

const dataRoot = path.resolve(process.env.CLUSTER_DATA_DIR ?? 'data/cluster');
const publicUrl = process.env.NEXTAUTH_URL ?? `http://localhost:${balancerPort}`;

function fail(message: string): never {
  console.error(`npm run cluster: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (spawnSync(process.execPath, ['scripts/ensure-nginx.mjs'], { stdio: 'inherit' }).status !== 0)
    fail('nginx is needed for the load balancer');
  if (!(await portOpen(5432))) fail('PostgreSQL is not answering on 127.0.0.1:5432 (see README, Scale-out)');
  const redis = await portOpen(6379);
  const mqtt = await portOpen(1883);
  if (!redis) console.warn('Redis is not answering on 127.0.0.1:6379: the instances cannot share state.');
  if (!mqtt) console.warn('Mosquitto is not answering on 127.0.0.1:1883: the instances start without MQTT.');
  for (const p of [balancerPort, ...Array.from({ length: count }, (_, i) => basePort + i)])
    if (await portOpen(p)) fail(`port ${p} is taken (another cluster running? use --port / --base-port)`);

  const databaseUrl = await ensureDatabase('twinops_cluster');
  // One secret for every instance (a session cookie must open on any of them), generated once
  // into the data directory (git-ignored), or NEXTAUTH_SECRET when given.
  const { secret } = resolveAuthSecret(dataRoot, process.env.NEXTAUTH_SECRET);
  const settings = {
    databaseUrl,
    redisUrl: 'redis://127.0.0.1:6379',
    mqttUrl: mqtt ? 'mqtt://127.0.0.1:1883' : undefined,
    secret,
    publicUrl,
  };

  // Build once here; N instances building at the same time would trample one .next.
  const built = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { stdio: 'inherit' });
  if (built.status !== 0) fail('the build failed');

  killChildrenOnExit();
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the cluster...');
    void stopAll().then(() => process.exit(code));
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  const instances: { id: string; port: number; child: Child }[] = [];
  const startInstance = (i: number) => {
    const id = `instance-${i + 1}`;
    const port = basePort + i;
    const env = instanceEnv(settings, { id, port, dataDir: path.join(dataRoot, id) });
    // What start.mjs runs once the build is there: the server itself, so its pid is the one to kill.
    const child = startChild(id, process.execPath, ['--import', 'tsx', 'server.ts'], {
      env: { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    });
    void child.exited.then((code) => {
      if (!stopping)
        console.log(`\n*** ${id} (port ${port}) exited (${code ?? 'killed'}); the balancer skips it ***\n`);
    });
    instances.push({ id, port, child });
    return waitForOk(`http://127.0.0.1:${port}/api/health`, 180_000, child);
  };
  // The first alone (it migrates the fresh database and creates the admin), then the others.
  await startInstance(0);
  await Promise.all(Array.from({ length: count - 1 }, (_, i) => startInstance(i + 1)));

  const balancer = startBalancer(path.join(dataRoot, 'nginx'), {
    listen: balancerPort,
    upstreams: instances.map((i) => `127.0.0.1:${i.port}`),
  });
  void balancer.exited.then(() => {
    if (!stopping) {
      console.error('nginx exited; stopping the cluster');
      stop(1);
    }
  });
  await waitForOk(`http://127.0.0.1:${balancerPort}/nginx-health`, 15_000, balancer);

  const unread = unreadSettings(instanceEnv(settings, { id: 'x', port: 0, dataDir: '' }));
  console.log(
    [
      '',
      `twinops cluster: ${count} instances behind nginx (${NGINX})`,
      `  log in at      ${publicUrl}/login   (the balancer; NEXTAUTH_URL of every instance)`,
      ...instances.map(
        (i) =>
          `  ${i.id.padEnd(13)} http://127.0.0.1:${i.port}   pid ${i.child.process.pid}   data ${path.join(dataRoot, i.id)}`,
      ),
      `  database       ${databaseUrl}`,
      `  balancer conf  ${path.join(dataRoot, 'nginx', 'nginx.conf')} (from deploy/nginx/twinops.conf.template)`,
      `  try failover:  kill -9 ${instances[0]!.child.process.pid}   (${instances[0]!.id}; its browsers reconnect through the balancer)`,
      ...(unread.length
        ? [
            `  note: this build does not read ${unread.join(', ')} yet: each instance runs its own simulator and`,
            '        stream for every asset (no shared ownership or broadcast until that part of issue 16 lands).',
          ]
        : []),
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  void stopAll().then(() => process.exit(1));
});
