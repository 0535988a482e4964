import type { Page } from '@playwright/test';
import { expect, logIn, test } from './fixtures';
import { E2E_USERS } from './users';

// A browser whose locale and zone differ from the server's (which renders in its own): server
// rendering must not print anything the browser would print differently (React error #418).
test.use({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });

const CONSOLE_PAGES = [
  '/',
  '/what-if',
  '/alerts',
  '/history',
  '/docs',
  '/account',
  '/admin',
  '/admin/users',
  '/admin/keys',
  '/admin/audit',
  '/admin/models',
];

/** Every uncaught page error and console error, as text. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  return errors;
}

test('the login page loads without a console error (its icon included), and the icon needs no login', async ({
  page,
  playwright,
  baseURL,
}) => {
  const errors = collectErrors(page);
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(icon).toMatch(/^\/icon\.svg/);
  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);

  const anonymous = await playwright.request.newContext({ baseURL, maxRedirects: 0 });
  for (const path of [icon!, '/favicon.ico']) {
    const res = await anonymous.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()['content-type'], path).toContain('image/svg+xml');
  }
  await anonymous.dispose();
});

test('every console page loads in en-GB / Europe/Berlin without a page or console error', async ({ page }) => {
  const errors = collectErrors(page);
  await logIn(page, E2E_USERS.admin);
  await expect(page.getByTestId('current-user')).toContainText(E2E_USERS.admin.name);
  // A key, so the keys table has times to show (created, expires).
  const created = await page.request.post('/api/v1/admin/api-keys', {
    data: { username: E2E_USERS.admin.username, days: 3, name: 'locale test' },
  });
  expect(created.status()).toBe(201);

  for (const path of CONSOLE_PAGES) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    expect(errors, path).toEqual([]);
  }

  // The times are the browser's wall clock (Berlin), not the server's.
  const { prefix, expiresAt } = (await created.json()) as { prefix: string; expiresAt: string };
  await page.goto('/admin/keys');
  const berlin = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Berlin',
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(new Date(expiresAt));
  await expect(page.getByTestId(`key-row-${prefix}`).getByRole('cell').nth(5)).toHaveText(berlin);
  expect(errors).toEqual([]);
});
