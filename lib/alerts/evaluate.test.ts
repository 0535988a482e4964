import { describe, expect, it } from 'vitest';
import { EMPTY_MEMORY, evaluate, type Decision, type RuleMemory } from './evaluate';
import type { AlertRule } from './types';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 'r1',
  assetId: 'reactor-1',
  signal: 'temperature',
  severity: 'warning',
  priority: 'medium',
  low: 300,
  high: 400,
  deadband: 0,
  minDurationMs: 0,
  enabled: true,
  shelvedUntil: null,
  updatedAt: 0,
  updatedBy: null,
  ...over,
});

/** Feeds [ts, value] pairs and returns the decisions' kinds. */
function run(
  r: AlertRule,
  values: [number, number][],
  now = 0,
  start: RuleMemory = EMPTY_MEMORY,
): { kinds: Decision['kind'][]; decisions: Decision[]; memory: RuleMemory } {
  let memory = start;
  const decisions: Decision[] = [];
  for (const [ts, v] of values) {
    const out = evaluate(r, memory, v, ts, now);
    memory = out.memory;
    decisions.push(out.decision);
  }
  return { kinds: decisions.map((d) => d.kind), decisions, memory };
}

describe('evaluate', () => {
  it('raises on a breach of either limit with the broken limit and value, once', () => {
    const high = run(rule(), [
      [0, 350],
      [1, 401],
      [2, 402],
    ]);
    expect(high.kinds).toEqual(['none', 'raise', 'peak']);
    expect(high.decisions[1]).toEqual({ kind: 'raise', direction: 'high', limit: 400, value: 401 });
    const low = run(rule(), [[0, 299]]);
    expect(low.decisions[0]).toEqual({ kind: 'raise', direction: 'low', limit: 300, value: 299 });
  });

  it('tracks the peak only when the value goes further past the limit', () => {
    const r = run(rule({ low: 10, high: null }), [
      [0, 9],
      [1, 5],
      [2, 7],
      [3, 4],
    ]);
    expect(r.kinds).toEqual(['raise', 'peak', 'none', 'peak']);
    expect(r.memory.open?.peak).toBe(4);
  });

  it('deadband: a value hovering at the limit does not flap; it clears only back inside by the deadband', () => {
    const r = run(rule({ deadband: 5 }), [
      [0, 401],
      [1, 399],
      [2, 401],
      [3, 396],
      [4, 395],
      [5, 401],
    ]);
    expect(r.kinds).toEqual(['raise', 'none', 'none', 'none', 'clear', 'raise']);
    // Without a deadband the same values flap.
    expect(
      run(rule(), [
        [0, 401],
        [1, 399],
        [2, 401],
      ]).kinds,
    ).toEqual(['raise', 'clear', 'raise']);
  });

  it('minimum duration: raises only when the breach lasts minDurationMs of point time', () => {
    const r = rule({ minDurationMs: 10_000 });
    // A short spike never raises.
    expect(
      run(r, [
        [0, 401],
        [5_000, 402],
        [9_000, 350],
        [12_000, 401],
      ]).kinds,
    ).toEqual(['none', 'none', 'none', 'none']);
    // A sustained breach raises at the first point 10 s after it began.
    const sustained = run(r, [
      [0, 401],
      [5_000, 402],
      [9_999, 403],
      [10_000, 404],
    ]);
    expect(sustained.kinds).toEqual(['none', 'none', 'none', 'raise']);
    expect(sustained.decisions[3]).toMatchObject({ value: 404 });
    // Switching from one limit to the other restarts the timer.
    expect(
      run(r, [
        [0, 401],
        [6_000, 299],
        [12_000, 298],
        [16_000, 297],
      ]).kinds,
    ).toEqual(['none', 'none', 'none', 'raise']);
  });

  it('shelving: a shelved rule raises nothing, forgets a pending breach, and raises again once the shelf time passes', () => {
    const shelved = rule({ shelvedUntil: 1_000, minDurationMs: 100 });
    expect(
      run(
        shelved,
        [
          [0, 401],
          [500, 401],
        ],
        999,
      ).kinds,
    ).toEqual(['none', 'none']);
    expect(
      run(
        shelved,
        [
          [0, 401],
          [500, 401],
        ],
        1_000,
      ).kinds,
    ).toEqual(['none', 'raise']);
    const pending = run(rule({ minDurationMs: 100 }), [[0, 401]]).memory;
    expect(pending.pending).not.toBeNull();
    expect(run(shelved, [[50, 401]], 0, pending).memory.pending).toBeNull();
  });

  it('shelving keeps an alert open before the shelf open, and it still clears normally', () => {
    const open = run(rule(), [[0, 401]]).memory;
    const shelved = rule({ shelvedUntil: 10_000 });
    expect(
      run(
        shelved,
        [
          [1, 405],
          [2, 350],
        ],
        5,
        open,
      ).kinds,
    ).toEqual(['peak', 'clear']);
  });

  it('a disabled rule raises nothing and clears its open alert', () => {
    expect(run(rule({ enabled: false }), [[0, 500]]).kinds).toEqual(['none']);
    const open = run(rule(), [[0, 401]]).memory;
    expect(run(rule({ enabled: false }), [[1, 450]], 0, open).kinds).toEqual(['clear']);
  });

  it('ignores non-finite values and checks only the limits that are set', () => {
    expect(run(rule(), [[0, Number.NaN]]).kinds).toEqual(['none']);
    expect(
      run(rule({ low: null }), [
        [0, -1e9],
        [1, 401],
      ]).kinds,
    ).toEqual(['none', 'raise']);
  });
});
