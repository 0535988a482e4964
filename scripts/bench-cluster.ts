/**
 * `npm run bench:cluster [-- --clients 1000 --seconds 20]`: 3 console instances (the real
 * wiring, no web pages) on this machine's PostgreSQL (a database of the run's own, dropped at
 * the end) and Redis, behind nginx (deploy/nginx/twinops.conf.template), 10 simulated assets at
 * 10 Hz each, K socket.io clients spread over the instances through the balancer. After a
 * measured stretch one instance is killed with SIGKILL; the clients reconnect through the
 * balancer and resume by seq. Prints delivery p50/p99 before, during and after the failover, the
 * longest gap a client saw, points lost and duplicated, takeover time, and CPU per delivered
 * point against one instance alone, each beside its target (issue 16).
 *
 * Smoke mode (BENCH_SMOKE=1) runs 30 clients for a few seconds a phase; without nginx it lets
 * the clients connect to the instances directly (and says so) instead of failing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { smokeOr } from './bench-mode';
import { percentileIn, startClient, type BenchClient, type LatencySample } from './cluster/bench-clients';
import { cpuSeconds, startBenchInstance, type BenchInstance } from './cluster/bench-instances';
import { NGINX, killChildrenOnExit, startBalancer, stopAll, waitForOk } from './cluster/processes';
import { dropDatabase, ensureDatabase, freePort, portOpen } from './cluster/services';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: smokeOr('30', '1000') },
    seconds: { type: 'string', default: smokeOr('3', '20') },
    instances: { type: 'string', default: '3' },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const INSTANCES = Number(args.instances);
const ASSETS = 10;
const RATE_HZ = 10;
const INTERVAL_MS = 1000 / RATE_HZ;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let counting = false;
const latencies: LatencySample[] = [];
/** Per asset, the first point created after the kill and delivered to a client. */
const firstAfterKill = new Map<string, number>();
let killAt = Infinity;

async function connectAll(url: (i: number) => Promise<{ url: string; cookie: string; upstream: string }>) {
  const clients: BenchClient[] = [];
  // In waves of 20, so the handshake storm does not count against delivery.
  for (let start = 0; start < CLIENTS; start += 20) {
    const wave = Array.from({ length: Math.min(20, CLIENTS - start) }, (_, k) => start + k);
    clients.push(
      ...(await Promise.all(
        wave.map(async (i) => {
          const target = await url(i);
          return startClient({
            ...target,
            index: i,
            assetId: `reactor-${(i % ASSETS) + 1}`,
            intervalMs: INTERVAL_MS,
            latencies,
            counting: () => counting,
            onPoint: (assetId, point, at) => {
              if (point.ts > killAt && !firstAfterKill.has(assetId)) firstAfterKill.set(assetId, at);
            },
          });
        }),
      )),
    );
  }
  return clients;
}

const fmt = (ms: number | null) => (ms === null ? 'n/a' : `${Math.round(ms)} ms`);

async function main(): Promise<void> {
  killChildrenOnExit();
  const nginx = existsSync(NGINX);
  if (!nginx && !process.env.BENCH_SMOKE)
    throw new Error(`bench:cluster needs nginx (${NGINX}): npm run cluster installs it`);
  if (!(await portOpen(5432))) throw new Error('PostgreSQL is not answering on 127.0.0.1:5432');
  const redis = await portOpen(6379);
  const dbName = `twinops_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = await ensureDatabase(dbName);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-bench-cluster-'));
  const balancerPort = await freePort();
  const shared = {
    DATABASE_URL: databaseUrl,
    ...(redis ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    NEXTAUTH_URL: `http://127.0.0.1:${balancerPort}`,
    ASSET_COUNT: String(ASSETS),
    SIM_RATE_HZ: String(RATE_HZ),
    BUFFER_SECONDS: '600',
  };
  console.log(
    `bench:cluster — ${INSTANCES} instances, ${CLIENTS} clients, ${ASSETS} assets x ${RATE_HZ} Hz, ` +
      `${SECONDS} s a phase; PostgreSQL ${dbName}, Redis ${redis ? 'on' : 'not answering'}, ` +
      `balancer ${nginx ? 'nginx' : 'none (nginx not installed: clients connect to the instances directly)'}`,
  );
  console.log('  targets: p99 <= 100 ms outside the failover, takeover <= 10 s, 0 lost, 0 duplicated');
  try {
    const instances: BenchInstance[] = [await startBenchInstance('instance-1', shared)];

    // One instance alone: the baseline CPU per delivered point.
    const direct = `http://127.0.0.1:${instances[0]!.port}`;
    let t = Date.now();
    const alone = await connectAll(async () => ({ url: direct, cookie: instances[0]!.cookie, upstream: direct }));
    console.log(
      `  one instance alone: ${CLIENTS} clients connected in ${((Date.now() - t) / 1000).toFixed(1)} s; measuring`,
    );
    const single = await measureCpu([instances[0]!], alone);
    alone.forEach((c) => c.socket.disconnect());
    latencies.length = 0;

    instances.push(
      ...(await Promise.all(
        Array.from({ length: INSTANCES - 1 }, (_, i) => startBenchInstance(`instance-${i + 2}`, shared)),
      )),
    );
    const cookie = instances[0]!.cookie;
    let url: (i: number) => Promise<{ url: string; cookie: string; upstream: string }>;
    if (nginx) {
      const balancer = startBalancer(
        path.join(workDir, 'nginx'),
        {
          listen: balancerPort,
          upstreams: instances.map((i) => `127.0.0.1:${i.port}`),
        },
        { onLine: (l) => console.log(`  [nginx] ${l}`) },
      );
      const lb = `http://127.0.0.1:${balancerPort}`;
      await waitForOk(`${lb}/nginx-health`, 15_000, balancer);
      url = async (i) => {
        // Each client is one browser: its own balancer cookie, so the hash spreads them.
        const withKey = `${cookie}; twinops_lb=bench-${i}`;
        const res = await fetch(`${lb}/api/health`, { headers: { cookie: withKey } });
        return { url: lb, cookie: withKey, upstream: res.headers.get('x-twinops-upstream') ?? '?' };
      };
    } else {
      url = async (i) => {
        const inst = instances[i % instances.length]!;
        return { url: `http://127.0.0.1:${inst.port}`, cookie, upstream: `127.0.0.1:${inst.port}` };
      };
    }
    t = Date.now();
    const clients = await connectAll(url);
    console.log(
      `  cluster: ${CLIENTS} clients connected in ${((Date.now() - t) / 1000).toFixed(1)} s; measuring, then kill -9`,
    );
    const spread = instances.map((inst) => clients.filter((c) => c.upstream.endsWith(`:${inst.port}`)).length);
    console.log(`\n  clients per instance: ${spread.join(' / ')}`);

    // Before: all instances up.
    const cpuBefore = await measureCpu(instances, clients);
    const t1 = Date.now();

    // The failover: SIGKILL of the instance with the most clients (not the first: it made the cookie).
    const victimIndex = 1 + spread.slice(1).indexOf(Math.max(...spread.slice(1)));
    const victim = instances[victimIndex]!;
    const displaced = clients.filter((c) => c.upstream.endsWith(`:${victim.port}`));
    counting = true;
    killAt = Date.now();
    victim.child.process.kill('SIGKILL');
    const deadline = killAt + Math.max(15_000, SECONDS * 1000);
    while (Date.now() < deadline) {
      const back = displaced.every((c) => c.backAt !== null && c.backAt > killAt);
      if (back && firstAfterKill.size === ASSETS) break;
      await sleep(100);
    }
    const recoveredAt = Math.max(killAt, ...displaced.map((c) => c.backAt ?? deadline));
    const takeoverAt = firstAfterKill.size === ASSETS ? Math.max(...firstAfterKill.values()) : null;
    await sleep(1000);
    const duringEnd = Date.now();

    // After: the survivors carry everything.
    await sleep(SECONDS * 1000);
    counting = false;
    const afterEnd = Date.now();

    const total = clients.reduce(
      (t, c) => ({
        delivered: t.delivered + c.tally.delivered,
        recovered: t.recovered + c.tally.recovered,
        lost: t.lost + c.tally.lost,
        duplicated: t.duplicated + c.tally.duplicated,
        resets: t.resets + c.tally.resets,
        resumed: t.resumed + c.tally.resumed,
      }),
      { delivered: 0, recovered: 0, lost: 0, duplicated: 0, resets: 0, resumed: 0 },
    );
    const maxGap = Math.max(...clients.map((c) => c.maxGapMs));
    const line = (label: string, from: number, to: number, target: string) =>
      console.log(
        `  ${label.padEnd(34)} p50 ${fmt(percentileIn(latencies, from, to, 50)).padStart(7)}   p99 ${fmt(
          percentileIn(latencies, from, to, 99),
        ).padStart(7)}   ${target}`,
      );
    console.log(`\n  delivery latency (point created -> client received)`);
    line(`before the failover (${SECONDS} s)`, cpuBefore.from, t1, '(target p99 <= 100 ms)');
    line(`during (kill -> all back + 1 s)`, killAt, duringEnd, '(no target)');
    line(`after (${SECONDS} s)`, duringEnd, afterEnd, '(target p99 <= 100 ms)');
    console.log(
      `  longest gap a client saw           ${fmt(maxGap)}   (${displaced.length} clients were on ${victim.id})`,
    );
    console.log(
      `  takeover (kill -> every asset's new points flowing)  ${fmt(takeoverAt === null ? null : takeoverAt - killAt)}   (target <= 10,000 ms)`,
    );
    console.log(`  displaced clients back (kill -> last one live again) ${fmt(recoveredAt - killAt)}`);
    console.log(
      `  points counted (before, during and after): ${total.delivered} delivered live, ${total.recovered} refilled on resume`,
    );
    console.log(`  lost        ${total.lost}   (target 0)`);
    console.log(`  duplicated  ${total.duplicated}   (target 0)`);
    console.log(
      `  reconnects: ${total.resumed} resumed by seq, ${total.resets} refused (another instance's numbering: fresh snapshot, loss counted by time)`,
    );
    console.log(
      `  CPU per delivered point  one instance ${single.usPerPoint.toFixed(1)} µs   ${INSTANCES} instances ${cpuBefore.usPerPoint.toFixed(1)} µs (${(
        cpuBefore.usPerPoint / single.usPerPoint
      ).toFixed(2)}x)   (the price of the cluster, balancer not included)`,
    );
    console.log('  (timings on a shared, oversubscribed 2-core machine are noisy: compare interleaved runs)');
  } finally {
    await stopAll(5_000);
    await dropDatabase(dbName).catch((err: unknown) => console.error(`could not drop ${dbName}: ${String(err)}`));
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Counts for SECONDS: CPU of `instances` (summed) per live point delivered to `clients`. */
async function measureCpu(instances: BenchInstance[], clients: BenchClient[]) {
  await sleep(1000);
  const delivered0 = clients.reduce((n, c) => n + c.tally.delivered, 0);
  const cpu0 = instances.reduce((s, i) => s + cpuSeconds(i.pid), 0);
  const from = Date.now();
  counting = true;
  await sleep(SECONDS * 1000);
  counting = false;
  const cpu1 = instances.reduce((s, i) => s + cpuSeconds(i.pid), 0);
  const delivered = clients.reduce((n, c) => n + c.tally.delivered, 0) - delivered0;
  return { from, usPerPoint: delivered ? ((cpu1 - cpu0) * 1e6) / delivered : NaN };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    void stopAll(2_000).then(() => process.exit(1));
  },
);
