/**
 * The partial Plotly bundles ship a minified UMD build without types; they expose the same API
 * as plotly.js, whose types (@types/plotly.js, via @types/react-plotly.js) describe them.
 */
declare module 'plotly.js-cartesian-dist-min' {
  import type * as Plotly from 'plotly.js';

  const plotly: typeof Plotly;
  export default plotly;
}
