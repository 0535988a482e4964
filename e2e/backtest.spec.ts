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

test('an admin cancels a running backtest: it stops where it was and the panel says so', async ({ page, loginAs }) => {
  test.setTimeout(120_000);
  await loginAs(E2E_USERS.admin);
  // 40,000 stored readings of reactor-1 twenty days ago (late for the live stream: stored only), so
  // a backtest of the last 30 days runs long enough to be cancelled.
  const start = Math.floor((Date.now() - 20 * 86_400_000) / 1_000) * 1_000;
  for (let b = 0; b < 5; b++) {
    const data = Array.from({ length: 8_000 }, (_, j) => {
      const i = b * 8_000 + j;
      return {
        ts: new Date(start + i * 1_000).toISOString(),
        values: { temperature: 330 + (i % 60), pressure: 5 + (i % 3), flow: 90 + (i % 20) },
        actual: 85,
      };
    });
    const res = await page.request.post('/api/v1/assets/reactor-1/telemetry', { data });
    expect(res.status(), await res.text()).toBeLessThan(300);
  }

  await page.goto('/admin/models');
  await page.waitForLoadState('networkidle');
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Backtest' }) });
  const outcome = panel.getByTestId('backtest-outcome');
  await expect(async () => {
    await panel.getByLabel('Version').selectOption('reactor-yield/1.0.0');
    await panel.getByLabel('Asset').selectOption('reactor-1');
    await panel.getByLabel('Range').selectOption({ label: 'last 30 days' });
    await panel.getByRole('button', { name: 'Run backtest' }).click();
    await expect(outcome).toHaveAttribute('data-status', 'running', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(outcome.getByRole('status')).toContainText('Scoring v1.0.0');

  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(outcome).toHaveAttribute('data-status', 'cancelled');
  await expect(outcome.getByRole('status')).toContainText('Cancelled: v1.0.0 stopped after');
  await expect(panel.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(panel.getByTestId('backtest-table')).toHaveCount(0);

  // The server's copy: cancelled part-way, and it no longer grows.
  type Job = { id: string; status: string; progress: { done: number; total: number } };
  const latest = async () =>
    ((await (await page.request.get('/api/v1/models/backtests?limit=1')).json()) as { backtests: Job[] }).backtests[0]!;
  const cancelled = await latest();
  expect(cancelled.status).toBe('cancelled');
  expect(cancelled.progress.total).toBeGreaterThanOrEqual(40_000);
  expect(cancelled.progress.done).toBeLessThan(cancelled.progress.total);
  // The panel shows where it stopped (digits only: the browser's locale groups them).
  const shown = ((await outcome.getByRole('status').textContent()) ?? '').match(/after (.+) of (.+) rows/);
  expect(shown?.slice(1, 3).map((n) => Number(n.replace(/\D/g, '')))).toEqual([
    cancelled.progress.done,
    cancelled.progress.total,
  ]);
  await page.waitForTimeout(1_500);
  expect(await latest()).toEqual(cancelled);

  // A second cancel of the ended job is refused.
  const again = await page.request.post(`/api/v1/models/backtests/${cancelled.id}/cancel`);
  expect(again.status()).toBe(409);
});
