import type { Browser, Page } from '@playwright/test';
import { test, expect, logIn } from './fixtures';
import { E2E_USERS } from './users';

/** A second, independent browser session (its own cookies) logged in as `user`. */
async function sessionOf(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, user);
  return page;
}

test('an admin creates an operator, who can log in; disabling them ends their session', async ({
  page,
  loginAs,
  browser,
}) => {
  await loginAs(E2E_USERS.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(
    page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Models' }),
  ).toHaveAttribute('href', '/admin/models');

  const form = page.getByRole('form', { name: 'New user' });
  // The API's refusal is shown next to the field it names.
  await form.getByLabel('Username').fill('oscar');
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByLabel('Initial password')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('password must be at least 8 characters')).toBeVisible();

  await form.getByLabel('Display name').fill('Oscar Operator');
  await form.getByLabel('Initial password').fill('oscar-e2e-password');
  await form.getByLabel('Role').selectOption('operator');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toHaveText('Created oscar (operator).');
  const row = page.getByTestId('user-row-oscar');
  await expect(row.getByLabel('Role of oscar')).toHaveValue('operator');

  // A duplicate is refused next to the username.
  await form.getByLabel('Username').fill('OSCAR');
  await form.getByLabel('Initial password').fill('another-password');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByText('username is already taken')).toBeVisible();

  const oscar = await sessionOf(browser, { username: 'oscar', password: 'oscar-e2e-password' });
  await expect(oscar.getByTestId('current-user')).toContainText('Oscar Operator');
  await expect(oscar.getByTestId('current-role')).toHaveText('operator');

  // A role change applies to the open session at its next page.
  await row.getByLabel('Role of oscar').selectOption('viewer');
  await row.getByRole('button', { name: 'Save role of oscar' }).click();
  await expect(page.getByRole('status')).toHaveText('oscar is now viewer.');
  await oscar.reload();
  await expect(oscar.getByTestId('current-role')).toHaveText('viewer');

  // The last admin cannot demote themselves; the refusal is shown on their row.
  const me = page.getByTestId('user-row-admin');
  await me.getByLabel('Role of admin').selectOption('operator');
  await me.getByRole('button', { name: 'Save role of admin' }).click();
  await expect(page.getByText('admin: The last active admin cannot be disabled or demoted')).toBeVisible();
  await expect(me.getByLabel('Role of admin')).toHaveValue('admin');

  await row.getByRole('button', { name: 'Disable oscar' }).click();
  await expect(row.getByTestId('user-state')).toHaveText('disabled');
  // The still-valid cookie no longer opens the console, nor the API.
  await oscar.goto('/history');
  await expect(oscar).toHaveURL(/\/login/);
  expect((await oscar.request.get('/api/v1/assets')).status()).toBe(401);
  await oscar.context().close();
});

test('an admin creates an API key, it works until it is revoked in the page', async ({
  page,
  loginAs,
  request,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await loginAs(E2E_USERS.admin);
  await page.goto('/admin/keys');
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Owner').selectOption(E2E_USERS.operator.username);
  await form.getByLabel('Valid for (days)').fill('0');
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByText('days must be at least 1')).toBeVisible();
  await form.getByLabel('Valid for (days)').fill('7');
  await form.getByLabel('Label (optional)').fill('e2e historian');
  await form.getByRole('button', { name: 'Create key' }).click();

  const keyBox = page.getByTestId('new-key');
  await expect(keyBox).toHaveValue(/^tok_[0-9a-f]{8}_/);
  const key = await keyBox.inputValue();
  const prefix = key.slice(4, 12);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  const keyRow = page.getByTestId(`key-row-${prefix}`);
  await expect(keyRow).toContainText(E2E_USERS.operator.username);
  await expect(keyRow).toContainText('operator');
  await expect(keyRow).toContainText('e2e historian');
  await expect(keyRow.getByTestId('key-state')).toHaveText('active');
  // The list never shows the secret part.
  await expect(page.getByTestId('keys-table')).not.toContainText(key);

  const auth = { Authorization: `Bearer ${key}` };
  expect((await request.get('/api/v1/assets', { headers: auth })).status()).toBe(200);

  await keyRow.getByRole('button', { name: `Revoke key ${prefix}` }).click();
  await expect(keyRow.getByTestId('key-state')).toHaveText('revoked');
  expect((await request.get('/api/v1/assets', { headers: auth })).status()).toBe(401);
});

test('the audit filters narrow the list', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.admin);
  await page.goto('/admin/audit');
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  const actions = await page.getByTestId('audit-action').allTextContents();
  expect(new Set(actions).size).toBeGreaterThan(1);

  await page.getByLabel('Action').fill('auth.login');
  await page.getByLabel('User').fill(E2E_USERS.admin.username);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(async () => {
    const filtered = await page.getByTestId('audit-action').allTextContents();
    expect(filtered.length).toBeGreaterThan(0);
    expect(new Set(filtered)).toEqual(new Set(['auth.login']));
    expect(new Set(await page.getByTestId('audit-actor').allTextContents())).toEqual(
      new Set([E2E_USERS.admin.username]),
    );
  }).toPass();

  await page.getByLabel('Outcome').selectOption('denied');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('audit-empty')).toHaveText('No entries match.');
});

test('a user changes their own password and logs in with the new one', async ({ page, loginAs, browser }) => {
  await loginAs(E2E_USERS.admin);
  const created = await page.request.post('/api/v1/admin/users', {
    data: { username: 'paula', password: 'paula-first-password', role: 'viewer', displayName: 'Paula Viewer' },
  });
  expect(created.status()).toBe(201);

  const paula = await sessionOf(browser, { username: 'paula', password: 'paula-first-password' });
  await paula.getByRole('link', { name: 'Account' }).click();
  await expect(paula).toHaveURL(/\/account$/);
  await expect(paula.getByTestId('account-username')).toHaveText('paula');

  await paula.getByLabel('Current password').fill('not-my-password');
  await paula.getByLabel('New password', { exact: true }).fill('paula-second-password');
  await paula.getByLabel('Repeat new password').fill('paula-second-password');
  await paula.getByRole('button', { name: 'Change password' }).click();
  await expect(paula.getByText('current password is wrong')).toBeVisible();
  await expect(paula.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');

  await paula.getByLabel('Current password').fill('paula-first-password');
  await paula.getByRole('button', { name: 'Change password' }).click();
  await expect(paula.getByRole('status')).toContainText('Password changed');

  await paula.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(paula).toHaveURL(/\/login/);
  await logIn(paula, { username: 'paula', password: 'paula-first-password' }, '/login');
  await expect(paula.getByTestId('login-error')).toHaveText('Invalid username or password');
  await logIn(paula, { username: 'paula', password: 'paula-second-password' }, '/login');
  await expect(paula.getByTestId('current-user')).toContainText('Paula Viewer');
  await paula.context().close();
});

test('a viewer gets the refusal page on every admin section, and none of its data', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  // Text that only the admin pages' data holds (another user's name, a key label, audit actions).
  const secrets = {
    '/admin/users': E2E_USERS.operator.name,
    '/admin/keys': 'e2e historian',
    '/admin/audit': 'apikey.create',
  };
  for (const [path, secret] of Object.entries(secrets)) {
    await page.goto(path);
    await expect(page.getByText('You need the admin role to open this page.')).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
    expect(await (await page.request.get(path)).text(), path).not.toContain(secret);
  }
});
