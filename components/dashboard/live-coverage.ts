/**
 * Live coverage of the band: of the shown points that carry a measured value (`actual`, from the
 * simulator's assay or from ingest), the share that fell inside their band. Beside a "90 %
 * prediction interval" it shows whether the promise holds on this asset right now.
 */
import type { RingBuffer } from '@/lib/realtime/ring-buffer';
import { visibleRange } from '@/lib/realtime/stream-state';
import type { Point } from '@/lib/twin/types';

export interface LiveCoverage {
  inside: number;
  measured: number;
}

/** Points of the window `[endTs - windowMs, endTs]` with a band and an actual, and how many fell inside. */
export function liveCoverage(buffer: RingBuffer<Point> | undefined, windowMs: number, endTs: number): LiveCoverage {
  const out = { inside: 0, measured: 0 };
  if (!buffer || buffer.length === 0) return out;
  const { from, to } = visibleRange(buffer, windowMs, endTs);
  for (let i = from; i < to; i++) {
    const p = buffer.at(i)!;
    if (p.actual === undefined || p.lower === null || p.upper === null) continue;
    out.measured++;
    if (p.actual >= p.lower && p.actual <= p.upper) out.inside++;
  }
  return out;
}
