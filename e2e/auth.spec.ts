import { test, expect, logIn } from './fixtures';
import { E2E_USERS } from './users';

test('a page without a session redirects to the login page, keeping where the user was going', async ({ page }) => {
  await page.goto('/history?range=day');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fhistory%3Frange%3Dday$/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
});

test('a wrong password shows a clear message and stays on the login page', async ({ page }) => {
  await logIn(page, { username: E2E_USERS.operator.username, password: 'not-the-password' }, '/login');
  await expect(page.getByTestId('login-error')).toHaveText('Invalid username or password');
  await expect(page).toHaveURL(/\/login/);
});

test('the right password opens the console shell with the user name and role', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.operator);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('current-role')).toHaveText('operator');
  for (const name of ['Dashboard', 'What-if', 'Alerts', 'History']) {
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name })).toBeVisible();
  }
  // The dashboard's socket.io connection is authenticated by the session cookie.
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('connection-state')).toContainText(`as ${E2E_USERS.operator.username}`);
});

test('after login the user lands where they were going', async ({ page }) => {
  await page.goto('/alerts');
  await page.getByLabel('Username').fill(E2E_USERS.viewer.username);
  await page.getByLabel('Password').fill(E2E_USERS.viewer.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
});

test('logout returns to the login page and the session is gone', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2F$/);
});

test('a viewer cannot open Admin; an admin can', async ({ page, loginAs, browser }) => {
  await loginAs(E2E_USERS.viewer);
  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin');
  await expect(page.getByText('You need the admin role to open this page.')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await logIn(adminPage, E2E_USERS.admin);
  await adminPage.getByRole('link', { name: 'Admin' }).click();
  await expect(adminPage.getByRole('heading', { name: 'Users' })).toBeVisible();
  const usersTable = adminPage.getByRole('table', { name: 'Users' });
  await expect(usersTable.getByRole('row').filter({ hasText: E2E_USERS.viewer.username })).toContainText('viewer');
  // The viewer's refused visit is not an audit event, but their login is.
  await adminPage.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Audit' }).click();
  await expect(
    adminPage
      .getByRole('table', { name: 'Audit log' })
      .getByRole('row')
      .filter({ hasText: E2E_USERS.viewer.username })
      .first(),
  ).toContainText('auth.login');
  await adminContext.close();
});

test('repeated failures lock the username and say how long to wait', async ({ page }) => {
  await page.goto('/login');
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('Username').fill(E2E_USERS.locked.username);
    await page.getByLabel('Password').fill(`wrong-${i}`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toHaveText('Invalid username or password');
  }
  // Now even the right password is refused until the lock expires.
  await page.getByLabel('Password').fill(E2E_USERS.locked.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('login-error')).toHaveText(/Too many failed attempts\. Try again in \d+ s\./);
});

test('API routes answer 401 JSON without a session; health is public', async ({ request }) => {
  const api = await request.get('/api/v1/anything');
  expect(api.status()).toBe(401);
  expect(await api.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok', kind: 'pglite' } } });
});
