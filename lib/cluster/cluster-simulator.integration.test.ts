/**
 * Scale-out (issue 16) with the built-in simulator (the default source): two consoles, each
 * simulating only the assets it owns; a client on either instance gets every asset's points as
 * one contiguous run, and the stored seqs of each asset have no gap and no repeat.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterHarness, expectContiguous, until } from '../../tests/cluster-harness';

const h = new ClusterHarness();
const SIMULATED = ['reactor-1', 'reactor-2', 'reactor-3'];

beforeAll(async () => {
  await h.createDatabase();
  for (const n of ['a', 'b']) await h.start(n, { SIMULATOR: 'on', SIM_RATE_HZ: '5' });
}, 240_000);

afterAll(() => h.close());

it(
  'each owner simulates its own assets; clients on both instances get every asset contiguously',
  { timeout: 90_000 },
  async () => {
    const owners = await h.settledOwners(['a', 'b'], 30_000, (o) => new Set(o.values()).size === 2);
    const viewers = ['a', 'b'].map((n) => h.client(n));
    for (const v of viewers) for (const a of SIMULATED) await v.subscribe(a);
    await until(
      async () => viewers.every((v) => SIMULATED.every((a) => (v.points.get(a)?.length ?? 0) >= 15)),
      30_000,
      'points of every asset on both instances',
    );
    for (const v of viewers)
      for (const a of SIMULATED) {
        expectContiguous(v.points.get(a)!);
        expect(v.points.get(a)!.every((p) => p.prediction !== null)).toBe(true);
      }
    for (const a of SIMULATED) {
      const rows = await h.query<{ s: string }>(
        `select seq::text as s from telemetry where asset_id = $1 and seq is not null order by seq`,
        [a],
      );
      const seqs = rows.map((r) => Number(r.s));
      expect(seqs[seqs.length - 1]! - seqs[0]! + 1, `stored seqs of ${a} have no gap`).toBe(seqs.length);
    }
    // One simulator per asset: the owner's. Each asset's points come at the configured rate, not twice it.
    const perAsset = await h.query<{ asset_id: string; n: string }>(
      `select asset_id, count(*) as n from telemetry where ts > now() - interval '4 seconds' and ts <= now() - interval '1 second' group by asset_id`,
    );
    for (const r of perAsset) if (SIMULATED.includes(r.asset_id)) expect(Number(r.n)).toBeLessThanOrEqual(3 * 5 + 2);
    expect(owners.size).toBe(4);
  },
);
