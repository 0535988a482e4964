'use client';

/**
 * The API reference UI (Scalar, bundled from npm): search, collapsible operations, schemas and a
 * "try it" client that calls this console with the browser's session. Everything it needs is in
 * the bundle: the document comes in as a prop (no fetch), its web fonts are off (the console's
 * own fonts are used), telemetry, the hosted proxy, the AI agent and MCP links are off, so the
 * page makes no request to any other host. Scalar renders with precompiled Vue templates: no
 * `eval`, so it fits a CSP without `unsafe-eval`.
 */
// First: before Scalar's modules run, zod is told not to probe for eval (see the file).
import './zod-jitless';
import { ApiReferenceReact } from '@scalar/api-reference-react';
import '@scalar/api-reference-react/style.css';

/** The console's dark palette (app/globals.css) in Scalar's theme variables. */
const CONSOLE_THEME = `
.dark-mode {
  --scalar-background-1: var(--bg);
  --scalar-background-2: var(--panel);
  --scalar-background-3: var(--panel-2);
  --scalar-border-color: var(--border);
  --scalar-color-1: var(--text);
  --scalar-color-2: var(--muted);
  --scalar-color-3: var(--muted);
  --scalar-color-accent: var(--accent);
  --scalar-background-accent: color-mix(in srgb, var(--accent) 15%, transparent);
  --scalar-color-green: var(--ok);
  --scalar-color-yellow: var(--warn);
  --scalar-color-red: var(--bad);
  --scalar-font: inherit;
}
`;

export function ApiReference({ document }: { document: Record<string, unknown> }) {
  return (
    <ApiReferenceReact
      configuration={{
        content: document,
        theme: 'none',
        customCss: CONSOLE_THEME,
        forceDarkModeState: 'dark',
        hideDarkModeToggle: true,
        withDefaultFonts: false,
        telemetry: false,
        proxyUrl: '',
        agent: { disabled: true },
        mcp: { disabled: true },
        hideClientButton: true,
        showDeveloperTools: 'never',
        documentDownloadType: 'json',
      }}
    />
  );
}
