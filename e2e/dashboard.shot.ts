/**
 * Not a test: writes docs/dashboard.png, the README's picture of the live dashboard (npm run
 * screenshot). It runs against the browser tests' server (e2e/serve.ts: production build, fresh
 * embedded database, simulated plant) and waits until the charts hold a minute of live points, so
 * the picture can be made again whenever the UI changes.
 */
import { expect, test } from './fixtures';
import { E2E_USERS } from './users';

test.use({ viewport: { width: 1440, height: 1240 }, deviceScaleFactor: 1 });

test('dashboard screenshot', async ({ page, loginAs }) => {
  test.setTimeout(180_000);
  await loginAs(E2E_USERS.operator);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  for (const id of ['prediction-chart', 'conditions-chart'])
    await expect(page.getByTestId(id).locator('.js-plotly-plot')).toBeVisible();
  // A minute of points (the simulator runs at 2 Hz), so the trends show their shape.
  await page.waitForTimeout(60_000);
  await expect(page.getByTestId('last-update-age')).toContainText(/updated \d+ s ago/);
  await page.screenshot({ path: 'docs/dashboard.png', fullPage: false });
});
