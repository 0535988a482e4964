/**
 * The console's Content-Security-Policy (issue 14). Pages get a fresh nonce per request from
 * proxy.ts; Next puts it on its own scripts, and `'strict-dynamic'` lets those load the page's
 * chunks, so no inline or foreign script runs. No `'unsafe-eval'` in production: Plotly's
 * cartesian bundle and the API reference run without it (e2e/security-headers.spec.ts watches
 * for violations on every page). Next's dev server needs eval for React's debugging aids.
 *
 * Styles keep `'unsafe-inline'`: Plotly and the API reference set inline styles and inject
 * `<style>` elements at run time, and a style cannot run code.
 */

export function pageContentSecurityPolicy({ nonce, dev, https }: { nonce: string; dev: boolean; https: boolean }) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // Plotly's PNG export draws through data: and blob: images.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // 'self' covers the socket (ws/wss to the same host) in CSP level 3 browsers.
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** For every answer that is not a page (API JSON, CSV, health): nothing may load, nothing may frame it. */
export const NON_PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** A per-request nonce: 128 random bits, base64. Web Crypto, since proxy.ts runs in Next's bundle. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
