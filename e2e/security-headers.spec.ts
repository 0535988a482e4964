import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { E2E_BASE_URL, E2E_PORT, E2E_USERS } from './users';

// Issue 14: every page carries a nonce CSP (no unsafe-eval), the framing and sniffing headers,
// and nothing the console itself runs (Next, Plotly, the API reference) trips the policy.

const PAGES = ['/', '/what-if', '/alerts', '/history', '/docs', '/admin/models'];

/** Every CSP violation the browser reports, as `directive: blocked URI`. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective}: ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`),
    );
  });
  return () => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

function expectPageHeaders(headers: Record<string, string>, path: string) {
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp, path).not.toContain('unsafe-eval');
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(csp, path).toContain("object-src 'none'");
  expect(headers['x-frame-options'], path).toBe('DENY');
  expect(headers['x-content-type-options'], path).toBe('nosniff');
  expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
}

test('the login page and every console page carry the security headers and run without a CSP violation', async ({
  page,
  loginAs,
}) => {
  const violations = await watchViolations(page);
  const login = await page.goto('/login');
  expectPageHeaders(login!.headers(), '/login');
  await loginAs(E2E_USERS.admin);
  const nonces = new Set<string>();
  for (const path of PAGES) {
    const res = await page.goto(path);
    expect(new URL(page.url()).pathname, path).toBe(path);
    const headers = res!.headers();
    expectPageHeaders(headers, path);
    nonces.add(/'nonce-([^']+)'/.exec(headers['content-security-policy']!)![1]!);
    await page.waitForLoadState('networkidle');
    expect(await violations(), path).toEqual([]);
  }
  // A fresh nonce for every page view.
  expect(nonces.size).toBe(PAGES.length);

  // The parts that draw at run time still draw under the policy: Plotly's charts and the API reference.
  await page.goto('/');
  await expect(page.locator('.js-plotly-plot .main-svg').first()).toBeVisible();
  await page.goto('/docs');
  const sidebar = page.getByRole('complementary', { name: /Sidebar/ });
  await expect(sidebar.getByRole('link', { name: /Prometheus metrics \(text format\)/ })).toBeVisible();
  expect(await violations()).toEqual([]);
});

test('the API answers carry the headers too', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  const res = await page.request.get('/api/v1/assets');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
});

test('a page of another origin on the same host cannot act with the operator session', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.operator);
  const foreign = `http://localhost:${E2E_PORT + 1}`;
  const refused = await page.request.put('/api/v1/me/preferences', {
    headers: { origin: foreign },
    data: { timeZone: 'UTC' },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({ error: { code: 'origin_refused' } });
  // The console's own page does the same thing fine.
  const own = await page.request.put('/api/v1/me/preferences', {
    headers: { origin: E2E_BASE_URL },
    data: { timeZone: 'UTC' },
  });
  expect(own.status()).toBe(200);
});
