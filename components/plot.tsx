'use client';

import dynamic from 'next/dynamic';
import { useMemo, useState, type MouseEvent } from 'react';
import type { Config, Data, Layout, PlotRelayoutEvent, PlotSelectionEvent } from 'plotly.js';

/**
 * Plotly touches `self` when imported, so it is loaded in the browser only (never during server
 * rendering), as the cartesian bundle (scatter, bar, heatmap...) rather than the full library.
 */
async function loadPlotlyComponent() {
  const [{ default: createPlotlyComponent }, { default: Plotly }] = await Promise.all([
    import('react-plotly.js/factory'),
    import('plotly.js-cartesian-dist-min'),
  ]);
  return createPlotlyComponent(Plotly);
}

const PlotlyChart = dynamic(loadPlotlyComponent, {
  ssr: false,
  loading: () => <div className="plot-loading">Loading chart…</div>,
});

/**
 * Starts loading the chart library before the page that shows charts: the login page calls it,
 * the dashboard comes next. The library is ~1.4 MB; on a first visit it was only requested once
 * the dashboard had loaded, and on a busy 2-core machine fetching it took up to ~0.9 s of the
 * "charts fill within 3 s of login" budget. The page after login is a full navigation, so what
 * carries over is the browser's cache (the chunk is immutable, cached for a year); the login
 * page also evaluates it (a few hundred ms of script while the user types). Measured in a fresh
 * Chromium (e2e server): login to first chart point 2.1-2.7 s before, 1.1-1.5 s with it.
 */
export function preloadCharts(): void {
  loadPlotlyComponent().catch(() => {
    // Only a head start: the chart loads it again (and shows its own error) when it renders.
  });
}

const DEFAULT_CONFIG: Partial<Config> = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ['lasso2d', 'select2d', 'autoScale2d'],
};

export interface PlotProps {
  data: Data[];
  layout: Partial<Layout>;
  /**
   * Bump to redraw. Plotly only redraws on a new `data`/`layout` identity or a new revision, so
   * views pass the revision of the buffer the arrays were built from.
   */
  revision: number;
  config?: Partial<Config>;
  /** File name (no extension) of the modebar's "Download plot as a png". */
  imageName?: string;
  /** Zoom, pan and autoscale (Plotly's relayout event). */
  onRelayout?: (event: Readonly<PlotRelayoutEvent>) => void;
  /**
   * A click (not a drag) anywhere on the plot area, with the x under the pointer as Plotly reads
   * it (a date string on a date axis): picks a time to annotate. Read from the click's pixel, not
   * from Plotly's plotly_click, which needs hover data that a live chart's redraws clear.
   */
  onPickX?: (x: unknown) => void;
  /**
   * With `dragMode: 'mark'`, a horizontal drag across the plot selects a range of x (Plotly's
   * select box, full height) and reports its two ends as Plotly reads them; `zoom` (the default)
   * keeps Plotly's zoom box. The selection box is cleared once reported.
   */
  dragMode?: 'zoom' | 'mark';
  onPickRange?: (x0: unknown, x1: unknown) => void;
  /** The modebar's zoom or pan button was pressed (the page's own toggle should follow). */
  onDragModeChange?: (mode: 'zoom' | 'mark') => void;
}

/** The parts of Plotly's graph div read here (private, stable across Plotly 2-3). */
interface GraphDiv extends HTMLElement {
  _fullLayout?: { xaxis?: { p2d?: (px: number) => unknown } };
}

/** A Plotly chart that fills its container (give the container a height). */
export function Plot({
  data,
  layout,
  revision,
  config = DEFAULT_CONFIG,
  imageName,
  onRelayout,
  onPickX,
  dragMode = 'zoom',
  onPickRange,
  onDragModeChange,
}: PlotProps) {
  // The modebar's camera button (toImage) saves the chart as a PNG under this name.
  const withImage = useMemo(
    () =>
      imageName
        ? { ...config, toImageButtonOptions: { format: 'png' as const, filename: imageName, scale: 2 } }
        : config,
    [config, imageName],
  );
  // Each reported selection bumps the selection revision: at the next draw Plotly drops its box
  // and the dimming of the points outside it (both are kept per revision, like a zoom).
  const [selections, setSelections] = useState(0);
  const shownLayout = useMemo(
    (): Partial<Layout> =>
      onPickRange
        ? {
            ...layout,
            dragmode: dragMode === 'mark' ? 'select' : 'zoom',
            selectdirection: 'h',
            selectionrevision: selections,
          }
        : layout,
    [layout, dragMode, onPickRange, selections],
  );
  const onSelected = (e: Readonly<PlotSelectionEvent> | undefined) => {
    const x = e?.range?.x;
    if (onPickRange && Array.isArray(x) && x.length === 2) onPickRange(x[0], x[1]);
    setSelections((n) => n + 1);
  };
  const relayout = (e: Readonly<PlotRelayoutEvent>) => {
    const mode = (e as { dragmode?: unknown }).dragmode;
    if (onDragModeChange && typeof mode === 'string') onDragModeChange(mode === 'select' ? 'mark' : 'zoom');
    onRelayout?.(e);
  };
  // Plotly covers the page on mousedown (its drag cover), so the pointer's up and the native
  // click land outside the chart; after a press without a drag Plotly dispatches a click on the
  // element pressed, with the release's coordinates, which bubbles here. A zoom drag sends none.
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (!onPickX || (e.target as Element).closest?.('.modebar, .legend')) return;
    const gd = e.currentTarget.querySelector<GraphDiv>('.js-plotly-plot');
    const area = gd?.querySelector('.nsewdrag')?.getBoundingClientRect();
    const p2d = gd?._fullLayout?.xaxis?.p2d;
    if (!area || !p2d) return;
    if (e.clientX < area.left || e.clientX > area.right || e.clientY < area.top || e.clientY > area.bottom) return;
    onPickX(p2d(e.clientX - area.left));
  };
  return (
    <div style={{ width: '100%', height: '100%' }} onClick={onPickX ? onClick : undefined}>
      <PlotlyChart
        data={data}
        layout={shownLayout}
        revision={revision}
        config={withImage}
        onRelayout={relayout}
        onSelected={onPickRange ? onSelected : undefined}
        style={{ width: '100%', height: '100%' }}
      />
    </div>
  );
}
