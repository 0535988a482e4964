import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

test('/docs is the bundled API reference: an operation, a working search, no page error, no outside request', async ({
  page,
  loginAs,
}) => {
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => {
    const { protocol, hostname } = new URL(req.url());
    if (!['data:', 'blob:'].includes(protocol) && !['localhost', '127.0.0.1', '::1', '[::1]'].includes(hostname))
      outside.push(req.url());
  });

  await loginAs(E2E_USERS.viewer);
  await page.goto('/docs');
  // Operations of the document, rendered by the reference UI (not the old hand-written list).
  const sidebar = page.getByRole('complementary', { name: /Sidebar/ });
  await expect(sidebar.getByRole('link', { name: /Prometheus metrics \(text format\)/ })).toBeVisible();
  await sidebar.getByRole('button', { name: 'Open Group - model', exact: true }).click();
  await expect(sidebar.getByRole('link', { name: /Predict the target for one reading/ })).toBeVisible();

  // Search: the reference service's metrics operation is found by a word of its summary.
  await page.getByRole('button', { name: /Open Search/ }).click();
  await page.keyboard.type('uptime_seconds');
  await expect(
    page
      .getByRole('dialog')
      .getByText(/total_requests, model_version, uptime_seconds/)
      .first(),
  ).toBeVisible();

  // Its dark theme is the console's (app/globals.css --bg is #0f1419).
  const background = await page
    .locator('.dark-mode')
    .first()
    .evaluate((el) => getComputedStyle(el).getPropertyValue('--scalar-background-1').trim());
  expect(background).toMatch(/var\(--bg\)|#0f1419/i);

  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);
  expect(outside).toEqual([]);
});

test('/docs needs a login', async ({ page }) => {
  await page.goto('/docs');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdocs/);
});
