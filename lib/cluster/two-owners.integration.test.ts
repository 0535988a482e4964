/**
 * Two instances that both believe they own an asset (issue 16): instance A's lease connection is
 * frozen by a network pause (tests/pausable-tcp-proxy.ts sits between A and PostgreSQL) and
 * PostgreSQL drops it, as its keepalive would, so A's advisory locks are freed and another
 * instance takes A's assets through the real ownership code, while A, hearing nothing, still
 * numbers and commits readings through its other (healthy) connections. A gateway keeps posting
 * to all three instances. No seq may be given twice, no acknowledged reading lost, no client see
 * a duplicate, and A must step down.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterHarness, expectContiguous, reading, until } from '../../tests/cluster-harness';
import { PausableTcpProxy } from '../../tests/pausable-tcp-proxy';

const NAMES = ['a', 'b', 'c'];
const h = new ClusterHarness();
const proxy = new PausableTcpProxy({ host: '127.0.0.1', port: Number(new URL(h.dbUrl).port || 5432) });

beforeAll(async () => {
  await h.createDatabase();
  const port = await proxy.listen();
  const viaProxy = new URL(h.dbUrl);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(port);
  await h.start('a', { DATABASE_URL: viaProxy.toString() });
  await h.start('b');
  await h.start('c');
}, 300_000);

afterAll(async () => {
  await h.close();
  await proxy.close();
});

it(
  'a stale owner (lease lost in a network pause) gives no seq twice, loses nothing, shows no duplicate and steps down',
  { timeout: 180_000 },
  async () => {
    const owners = await h.settledOwners(NAMES, 60_000, (o) => new Set(o.values()).size === 3);
    const assetId = [...owners].find(([, o]) => o === 'a')![0];
    const onA = h.client('a');
    const onC = h.client('c');
    await onA.subscribe(assetId);
    await onC.subscribe(assetId);

    // A gateway: one reading after the other, to the instances in turn; a refused or failed
    // request is sent again to the next one (at-least-once), so only 201s count as acknowledged.
    const acked = new Set<number>();
    const refused: number[] = [];
    let stop = false;
    let n = 0;
    const gateway = (async () => {
      let ts = Date.now();
      while (!stop) {
        try {
          const res = await h.post(NAMES[n++ % 3]!, assetId, [reading(ts)]);
          if (res.status === 201) {
            acked.add(ts);
            ts += 20;
          } else refused.push(res.status);
        } catch {
          // sent again
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_500));

    // The network pause: A's lease connection frozen, then dropped by PostgreSQL (locks freed).
    const [lease] = await h.query<{ pid: number; client_port: number }>(
      `select pid, client_port from pg_stat_activity
       where datname = current_database() and application_name like 'twinops/%/a'`,
    );
    expect(lease, "A's lease connection").toBeDefined();
    proxy.pause(lease!.client_port);
    await h.query('select pg_terminate_backend($1)', [lease!.pid]);

    // Another instance takes the asset while A still writes; A, refused by the fence, steps down.
    const taken = await until(
      async () => {
        const o = await h.settledOwners(['b', 'c'], 2_000).catch(() => null);
        return o?.get(assetId) ?? null;
      },
      15_000,
      'the asset taken by b or c',
    );
    await until(
      async () => !((await h.health('a'))?.instance.ownedAssets ?? []).includes(assetId),
      15_000,
      'a stepped down',
    );
    // Told by the fence at its first commit, not by the lease connection's timeout.
    expect(h.output.get('a')).toContain('another instance took this asset over');
    await new Promise((r) => setTimeout(r, 2_000)); // readings keep coming to all three
    stop = true;
    await gateway;

    await until(
      async () => !(await h.query(`select 1 from telemetry where asset_id = $1 and pending`, [assetId])).length,
      20_000,
      'pending readings processed by the new owner',
    );
    const rows = await h.query<{ ms: string; seq: string | null }>(
      `select (extract(epoch from ts) * 1000)::bigint::text as ms, seq::text from telemetry where asset_id = $1 order by ts`,
      [assetId],
    );
    const stored = new Map(rows.map((r) => [Number(r.ms), r.seq === null ? null : Number(r.seq)]));
    expect(
      [...acked].filter((ts) => !stored.has(ts)),
      'acknowledged readings stored',
    ).toEqual([]);
    expect(
      [...acked].filter((ts) => stored.get(ts) === null),
      'acknowledged readings streamed',
    ).toEqual([]);
    const seqs = rows.filter((r) => r.seq !== null).map((r) => Number(r.seq));
    expect(new Set(seqs).size, 'no seq given twice').toBe(seqs.length);
    expect(
      seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1),
      'seqs follow time with no gap',
    ).toBe(true);

    const last = seqs[seqs.length - 1]!;
    for (const [name, client] of [
      ['a', onA],
      ['c', onC],
    ] as const) {
      await until(async () => (client.points.get(assetId)!.at(-1)?.seq ?? -1) >= last, 10_000, `${name} caught up`);
      expectContiguous(client.points.get(assetId)!);
    }
    console.log(
      `two owners: ${acked.size} readings acknowledged, ${refused.length} refused (sent again), taken by ${taken}`,
    );

    // The network comes back: A notices its lease is gone, reconnects and takes a share again.
    proxy.heal();
    await h.settledOwners(NAMES, 30_000, (o) => new Set(o.values()).size === 3);
  },
);
