import { describe, expect, it } from 'vitest';
import { SourceMonitor, type SourceStatus } from './source-monitor';

function make(staleAfterIntervals = 5) {
  let now = 1_000_000;
  const changes: SourceStatus[] = [];
  const ages: [string, number][] = [];
  const monitor = new SourceMonitor({
    assetIds: ['gw-1', 'gw-2'],
    intervalMs: (id) => (id === 'gw-1' ? 1_000 : 200),
    staleAfterIntervals,
    now: () => now,
    onStatus: (s) => changes.push(s),
    onAge: (id, age) => ages.push([id, age]),
  });
  return {
    monitor,
    changes,
    ages,
    advance: (ms: number) => {
      now += ms;
      monitor.check();
    },
    at: () => now,
  };
}

describe('SourceMonitor', () => {
  it('marks an asset stale after N expected intervals without data, and live again with the next reading', () => {
    const { monitor, changes, advance, at } = make();
    monitor.observe('gw-1', at() - 50);
    const lastTs = at() - 50;
    advance(4_999);
    expect(monitor.status('gw-1')!.state).toBe('live');
    expect(changes).toEqual([]);
    advance(2);
    expect(changes).toEqual([{ assetId: 'gw-1', state: 'stale', lastTs, changedAt: at(), reason: null }]);
    advance(10_000);
    expect(changes).toHaveLength(1); // stays stale, announced once
    monitor.observe('gw-1', at());
    expect(changes[1]).toMatchObject({ assetId: 'gw-1', state: 'live', lastTs: at() });
  });

  it('uses each asset its own interval, and judges an asset only once it has sent something', () => {
    const { monitor, changes, advance } = make();
    monitor.observe('gw-2', 1);
    advance(1_001); // gw-2: 5 x 200 ms passed; gw-1 never sent
    expect(changes.map((c) => [c.assetId, c.state])).toEqual([['gw-2', 'stale']]);
    expect(monitor.status('gw-1')!.state).toBe('live');
  });

  it('feeds the seconds without data on every check, 0 on recovery, and past the limit at once when offline', () => {
    const { monitor, ages, advance } = make();
    monitor.observe('gw-1', 1);
    advance(3_000);
    expect(ages.at(-1)).toEqual(['gw-1', 3]);
    advance(3_000);
    expect(ages.at(-1)).toEqual(['gw-1', 6]);
    monitor.observe('gw-1', 2);
    expect(ages.at(-1)).toEqual(['gw-1', 0]);
    advance(500);
    expect(monitor.markOffline('gw-1', 'Sparkplug NDEATH')).toBe(true);
    // 0.5 s old, but dead: fed as one interval past the 5 s limit.
    expect(ages.at(-1)).toEqual(['gw-1', 6]);
    expect(monitor.status('gw-1')).toMatchObject({ state: 'offline', reason: 'Sparkplug NDEATH' });
    advance(100);
    expect(monitor.status('gw-1')!.state).toBe('offline'); // not downgraded to stale by the timer
    monitor.observe('gw-1', 3);
    expect(monitor.status('gw-1')).toMatchObject({ state: 'live', reason: null });
    expect(monitor.markOffline('nope', 'x')).toBe(false);
  });

  it('can mark an asset offline before it ever sent, and forgets a removed asset', () => {
    const { monitor, changes, advance } = make();
    monitor.markOffline('gw-2', 'Sparkplug DDEATH');
    expect(changes).toEqual([expect.objectContaining({ assetId: 'gw-2', state: 'offline', lastTs: null })]);
    advance(10);
    monitor.remove('gw-2');
    expect(monitor.status('gw-2')).toBeUndefined();
    expect(monitor.all().map((s) => s.assetId)).toEqual(['gw-1']);
  });

  it('judges an asset seeded with its newest stored reading from the start, unless a live reading came first', () => {
    const { monitor, changes, advance, at } = make();
    monitor.seed('gw-1', 12_345);
    monitor.observe('gw-2', at());
    monitor.seed('gw-2', 1); // already heard from in this process: ignored
    advance(5_001);
    expect(changes.map((c) => [c.assetId, c.state, c.lastTs])).toEqual([
      ['gw-1', 'stale', 12_345],
      ['gw-2', 'stale', at() - 5_001],
    ]);
  });
});
