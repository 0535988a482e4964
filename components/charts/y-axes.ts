/**
 * Fixed or automatic y-axis scales per signal (issue 18), applied to a figure's layout. The
 * prediction chart's axis is the signal `prediction`; the process-conditions chart has one axis
 * per feature in catalog order (`yaxis`, `yaxis2`, ...), as conditionsFigure lays them out. Pure.
 */
import type { Layout, LayoutAxis } from 'plotly.js';
import type { YAxes } from '@/lib/time/preferences';

/** The layout keys of the signals' axes: the prediction chart, or the conditions chart's. */
export function axisKeys(signals: string[]): [string, string][] {
  return signals.map((name, i) => [i === 0 ? 'yaxis' : `yaxis${i + 1}`, name]);
}

/** A stable token of the fixed ranges, for `uirevision`: a changed scale is applied at once. */
export function axesToken(axes: YAxes, signals: string[]): string {
  return signals
    .filter((s) => axes[s])
    .map((s) => `${s}:${axes[s]!.min}:${axes[s]!.max}`)
    .join(',');
}

/** The layout with each fixed signal's axis pinned to its [min, max]; auto ones untouched. */
export function withYAxes(layout: Partial<Layout>, keys: [string, string][], axes: YAxes): Partial<Layout> {
  let out: Partial<Layout> | null = null;
  for (const [key, signal] of keys) {
    const r = axes[signal];
    if (!r) continue;
    out ??= { ...layout };
    const current = (layout as Record<string, Partial<LayoutAxis> | undefined>)[key] ?? {};
    (out as Record<string, Partial<LayoutAxis>>)[key] = { ...current, autorange: false, range: [r.min, r.max] };
  }
  return out ?? layout;
}
