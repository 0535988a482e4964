import type { APIRequestContext } from '@playwright/test';
import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

interface Rule {
  id: string;
  signal: string;
}
interface Alert {
  id: number;
  ruleId: string;
  signal: string;
  state: string;
}

async function openDriftAlert(request: APIRequestContext): Promise<Alert | undefined> {
  const res = await request.get('/api/v1/alerts?state=open&assetId=plant&limit=1000');
  return ((await res.json()) as { alerts: Alert[] }).alerts.find((a) => a.signal === 'drift:temperature');
}

test('input drift raises a Plant alert: rules editor, banner, Alerts page filter; the dashboard’s assets stay the reactors', async ({
  page,
  loginAs,
}) => {
  test.setTimeout(90_000);
  await loginAs(E2E_USERS.operator);
  const request = page.request;

  // With the simulator the drift rules are seeded disabled (the simulated plant's narrow spread
  // would always raise them); make sure of it, and that nothing is open (disabling returns an open
  // alarm to normal; one nobody acknowledged stays, ISA-18.2 rtn_unacked, until acknowledged).
  const rule = (
    (await (await request.get('/api/v1/alert-rules?assetId=plant')).json()) as { rules: Rule[] }
  ).rules.find((r) => r.signal === 'drift:temperature')!;
  expect((await request.patch(`/api/v1/alert-rules/${rule.id}`, { data: { enabled: false } })).status()).toBe(200);
  await expect
    .poll(
      async () => {
        const open = await openDriftAlert(request);
        if (open?.state === 'rtn_unacked') await request.post(`/api/v1/alerts/${open.id}/ack`, { data: {} });
        return openDriftAlert(request);
      },
      { timeout: 15_000 },
    )
    .toBeUndefined();

  // Rules editor: the Plant has a drift rule per input; an operator enables it to raise at the first check.
  await page.goto('/alerts/rules');
  await page.getByLabel('Asset').selectOption({ label: 'Plant' });
  const name = 'Plant Temperature drift (PSI) (warning)';
  const row = page.locator('tr[data-signal="drift:temperature"]');
  await expect(row).toContainText('Temperature drift (PSI)');
  await expect(page.getByLabel(`High of ${name}`)).toHaveValue('0.25');
  await page.getByLabel(`Minimum duration (s) of ${name}`).fill('0');
  await page.getByLabel(`Enabled: ${name}`).check();
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved');

  // A thousand readings far hotter than the training data (mean 350 °C, std 29) fill the drift window.
  for (const assetId of ['reactor-1', 'reactor-2', 'reactor-3']) {
    const data = Array.from({ length: 340 }, (_, i) => ({
      values: { temperature: 385 + (i % 15), pressure: 5.5, flow: 100 },
    }));
    const res = await request.post(`/api/v1/assets/${assetId}/telemetry`, { data });
    expect(res.status(), await res.text()).toBe(201);
  }

  // The next drift check (every 5 s) raises it; the header's banner says what it is.
  const banner = page.getByTestId('alert-banner');
  await expect(banner).toContainText(/Plant · Temperature drift \(PSI\) above 0[.,]250/, { timeout: 15_000 });
  const alert = (await openDriftAlert(request))!;
  expect(alert.state).toBe('active_unacked');

  // Alerts page: the Plant is an asset filter, and the row reads as drift.
  await page.getByRole('link', { name: 'View alerts' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await page.getByLabel('Asset').selectOption({ label: 'Plant' });
  const listed = page.locator(`tr[data-alert-id="${alert.id}"]`);
  await expect(listed).toContainText('Plant');
  await expect(listed).toContainText('Temperature drift (PSI)');
  await expect(listed).toHaveAttribute('data-state', 'active_unacked');
  await expect(page.locator('[data-testid="alerts-table"] tbody tr[data-asset^="reactor"]')).toHaveCount(0);

  // The dashboard picks reactors only: the Plant is no asset to stream.
  await page.goto('/');
  await expect(page.getByLabel('Asset').locator('option').first()).toBeAttached();
  expect(await page.getByLabel('Asset').locator('option').allTextContents()).not.toContain('Plant');

  // Clean up for later specs: a disabled rule returns its open alarm to normal at the next check;
  // nobody acknowledged it, so it waits as rtn_unacked (ISA-18.2) until the acknowledgement closes it.
  expect((await request.patch(`/api/v1/alert-rules/${rule.id}`, { data: { enabled: false } })).status()).toBe(200);
  await expect.poll(async () => (await openDriftAlert(request))?.state, { timeout: 15_000 }).toBe('rtn_unacked');
  expect((await request.post(`/api/v1/alerts/${alert.id}/ack`, { data: {} })).status()).toBe(200);
  await expect.poll(() => openDriftAlert(request)).toBeUndefined();
});
