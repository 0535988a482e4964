'use client';

import dynamic from 'next/dynamic';
import type { Config, Data, Layout } from 'plotly.js';

/**
 * Plotly touches `self` when imported, so it is loaded in the browser only (never during server
 * rendering), as the cartesian bundle (scatter, bar, heatmap...) rather than the full library.
 */
const PlotlyChart = dynamic(
  async () => {
    const [{ default: createPlotlyComponent }, { default: Plotly }] = await Promise.all([import('react-plotly.js/factory'), import('plotly.js-cartesian-dist-min')]);
    return createPlotlyComponent(Plotly);
  },
  { ssr: false, loading: () => <div className="plot-loading">Loading chart…</div> },
);

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
}

/** A Plotly chart that fills its container (give the container a height). */
export function Plot({ data, layout, revision, config = DEFAULT_CONFIG }: PlotProps) {
  return <PlotlyChart data={data} layout={layout} revision={revision} config={config} style={{ width: '100%', height: '100%' }} />;
}
