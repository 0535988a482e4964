/**
 * The console's display themes, chosen per user (preferences API) and applied on the server as
 * `<html data-theme>` before the first paint (app/layout.tsx), so a page never flashes another
 * theme. The page colours are CSS variables per theme (app/globals.css); the charts, which Plotly
 * draws with colours given in JavaScript, read the same theme's palette (components/charts/theme).
 *
 * - `dark`: the console's original look.
 * - `light`: dark text on white, for bright rooms.
 * - `hmi`: a high-performance HMI after ISA-101: a grey, low-contrast normal state; saturated
 *   colour is reserved for abnormal and alarm states (red, orange), so it stands out.
 *
 * Every theme's trace palette is Okabe-Ito (distinguishable with the common colour-vision
 * deficiencies), its hues darkened where needed so trace-coloured axis text keeps WCAG AA
 * contrast (4.5:1) on that theme's backgrounds; the HMI palette leaves out the alarm hues.
 */
export const THEMES = ['dark', 'light', 'hmi'] as const;
export type ThemeName = (typeof THEMES)[number];
export const DEFAULT_THEME: ThemeName = 'dark';

export const THEME_LABELS: Record<ThemeName, string> = {
  dark: 'Dark',
  light: 'Light',
  hmi: 'High-performance HMI (ISA-101 grey)',
};

export function isThemeName(v: unknown): v is ThemeName {
  return typeof v === 'string' && (THEMES as readonly string[]).includes(v);
}

export interface ChartPalette {
  text: string;
  muted: string;
  grid: string;
  accent: string;
  band: string;
  bad: string;
  badFill: string;
  warn: string;
  annotation: string;
  annotationFill: string;
  hoverBg: string;
  /** Trace colours in catalog order. */
  series: readonly string[];
}

export const CHART_PALETTES: Record<ThemeName, ChartPalette> = {
  dark: {
    text: '#e6edf3',
    muted: '#8b98a8',
    grid: '#2a3544',
    accent: '#56b4e9',
    band: 'rgba(86, 180, 233, 0.18)',
    bad: '#ff6b5e',
    badFill: 'rgba(255, 107, 94, 0.12)',
    warn: '#e69f00',
    annotation: '#b48cff',
    annotationFill: 'rgba(180, 140, 255, 0.14)',
    hoverBg: '#1d2632',
    // Okabe-Ito: orange, sky blue, reddish purple, yellow, bluish green (lightened), grey.
    series: ['#e69f00', '#56b4e9', '#cc79a7', '#f0e442', '#2bb58a', '#e2e2e2'],
  },
  light: {
    text: '#1f2328',
    muted: '#57606a',
    grid: '#d0d7de',
    accent: '#0068a3',
    band: 'rgba(0, 104, 163, 0.14)',
    bad: '#c0262d',
    badFill: 'rgba(192, 38, 45, 0.10)',
    warn: '#8a5300',
    annotation: '#6f42c1',
    annotationFill: 'rgba(111, 66, 193, 0.12)',
    hoverBg: '#ffffff',
    // Okabe-Ito darkened for white: vermillion, blue, bluish green, reddish purple, black, olive.
    series: ['#b34700', '#0068a3', '#00755a', '#a2457c', '#1f2328', '#6b5f00'],
  },
  hmi: {
    text: '#111111',
    muted: '#3d3d3d',
    grid: '#bdbdbd',
    accent: '#33404d',
    band: 'rgba(51, 64, 77, 0.14)',
    bad: '#a3000f',
    badFill: 'rgba(163, 0, 15, 0.12)',
    warn: '#7a4100',
    annotation: '#4b2a8c',
    annotationFill: 'rgba(75, 42, 140, 0.12)',
    hoverBg: '#eeeeee',
    // Okabe-Ito's non-alarm hues, dark and muted: blue, bluish green, reddish purple, black...
    series: ['#004f7a', '#005c45', '#7d2f5e', '#222222', '#4a4a8a', '#5a4a00'],
  },
};

/** The theme the page shows (the `<html data-theme>` the server set); the default outside a browser. */
export function currentTheme(): ThemeName {
  if (typeof document === 'undefined') return DEFAULT_THEME;
  const t = document.documentElement.dataset.theme;
  return isThemeName(t) ? t : DEFAULT_THEME;
}
