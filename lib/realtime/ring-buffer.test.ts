import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps at most `capacity` items, overwriting the oldest', () => {
    const b = new RingBuffer<number>(3);
    expect(b.push(1)).toBeUndefined();
    b.push(2);
    b.push(3);
    expect(b.push(4)).toBe(1);
    expect(b.toArray()).toEqual([2, 3, 4]);
    expect(b.length).toBe(3);
    expect(b.first()).toBe(2);
    expect(b.last()).toBe(4);
    expect(b.at(-1)).toBe(4);
    expect(b.at(3)).toBeUndefined();
  });

  it('bumps the revision on every change and only then', () => {
    const b = new RingBuffer<number>(2);
    const r0 = b.revision;
    b.push(1);
    b.push(2);
    b.push(3);
    expect(b.revision).toBe(r0 + 3);
    b.toArray();
    b.at(0);
    expect(b.revision).toBe(r0 + 3);
    expect(b.dropWhile(() => false)).toBe(0);
    expect(b.revision).toBe(r0 + 3);
    b.clear();
    expect(b.revision).toBe(r0 + 4);
    expect(b.length).toBe(0);
  });

  it('drops by age from the oldest end across the wrap-around', () => {
    const b = new RingBuffer<{ ts: number }>(4);
    for (let ts = 0; ts < 7; ts++) b.push({ ts }); // holds 3..6, wrapped
    expect(b.dropWhile((p) => p.ts < 5)).toBe(2);
    expect(b.toArray().map((p) => p.ts)).toEqual([5, 6]);
    b.push({ ts: 7 });
    b.push({ ts: 8 });
    b.push({ ts: 9 });
    expect(b.toArray().map((p) => p.ts)).toEqual([6, 7, 8, 9]);
  });

  it('finds positions by key with binary search and slices ranges', () => {
    const b = new RingBuffer<number>(5);
    for (const v of [10, 20, 30, 40, 50, 60]) b.push(v); // 20..60
    expect(b.lowerBound(35, (v) => v)).toBe(2);
    expect(b.lowerBound(5, (v) => v)).toBe(0);
    expect(b.lowerBound(99, (v) => v)).toBe(5);
    expect(b.slice(2)).toEqual([40, 50, 60]);
    expect(b.slice(1, 3)).toEqual([30, 40]);
    expect([...b]).toEqual([20, 30, 40, 50, 60]);
  });

  it('refuses a nonsensical capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
