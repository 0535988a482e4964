import { expect, test } from './fixtures';
import { E2E_USERS } from './users';

test('an admin backtests a version on stored history beside the serving one: progress, figures, overlay', async ({
  page,
  loginAs,
}) => {
  await loginAs(E2E_USERS.admin);
  await page.goto('/admin/models');
  await page.waitForLoadState('networkidle');
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Backtest' }) });
  const outcome = panel.getByTestId('backtest-outcome');
  // Retried: a choice made before the page hydrated would be reset.
  await expect(async () => {
    await panel.getByLabel('Version').selectOption('reactor-yield/1.0.0');
    await panel.getByLabel('Asset').selectOption('reactor-1');
    await panel.getByLabel('Range').selectOption({ label: 'last hour' });
    await panel.getByRole('button', { name: 'Run backtest' }).click();
    await expect(outcome).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(outcome.getByRole('status')).toContainText('v1.0.0');

  await expect(outcome).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(outcome.getByRole('status')).toContainText('Done: v1.0.0 on');
  // The simulator's readings carry a lab assay: both versions get an error against it.
  const candidate = panel.getByTestId('backtest-row-candidate');
  await expect(candidate).toContainText('v1.0.0 (candidate)');
  await expect(panel.getByTestId('backtest-row-serving')).toContainText('(serving)');
  const mae = Number((await candidate.getByRole('cell').nth(3).textContent()) ?? 'NaN');
  expect(mae).toBeGreaterThan(0);
  expect(mae).toBeLessThan(10);
  await expect(panel.locator('.js-plotly-plot .main-svg').first()).toBeVisible();
});
