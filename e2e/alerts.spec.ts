import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

interface Rule {
  id: string;
  assetId: string;
  signal: string;
}
interface Alert {
  id: number;
  ruleId: string;
  state: string;
  value: number;
  direction: string;
}

const ASSET = 'reactor-1';

async function temperatureRule(request: APIRequestContext): Promise<Rule> {
  const res = await request.get(`/api/v1/alert-rules?assetId=${ASSET}`);
  expect(res.status()).toBe(200);
  const rule = ((await res.json()) as { rules: Rule[] }).rules.find((r) => r.signal === 'temperature');
  expect(rule).toBeDefined();
  return rule!;
}

async function openAlertOf(request: APIRequestContext, ruleId: string): Promise<Alert | undefined> {
  const res = await request.get(`/api/v1/alerts?state=open&assetId=${ASSET}&limit=1000`);
  return ((await res.json()) as { alerts: Alert[] }).alerts.find((a) => a.ruleId === ruleId);
}

/** What the prediction chart's layout holds, read from its graph div. */
function chartShapeNames(page: Page): Promise<string[]> {
  return page
    .getByTestId('prediction-chart')
    .locator('.js-plotly-plot')
    .evaluate((el) =>
      ((el as unknown as { layout?: { shapes?: { name?: string }[] } }).layout?.shapes ?? []).map((s) => s.name ?? ''),
    );
}

test('an injected excursion raises an alert: banner, chart marker, Alerts page; an operator acknowledges it; it clears', async ({
  page,
  loginAs,
}) => {
  test.setTimeout(60_000);
  await loginAs(E2E_USERS.operator);
  const request = page.request;
  const rule = await temperatureRule(request);
  const patch = async (body: Record<string, unknown>) => {
    const res = await request.patch(`/api/v1/alert-rules/${rule.id}`, { data: body });
    expect(res.status(), await res.text()).toBe(200);
  };

  // Start clean: disabling returns whatever the simulator may have raised on this rule to normal;
  // one nobody acknowledged stays (ISA-18.2 rtn_unacked) until acknowledged.
  await patch({ enabled: false });
  await expect
    .poll(
      async () => {
        const open = await openAlertOf(request, rule.id);
        if (open?.state === 'rtn_unacked') await request.post(`/api/v1/alerts/${open.id}/ack`, { data: {} });
        return openAlertOf(request, rule.id);
      },
      { timeout: 10_000 },
    )
    .toBeUndefined();
  // The simulator keeps sending normal temperatures (300-400 °C) twice a second. With high = 420 they
  // never raise, and a wide deadband (clear only below -80) keeps our alert open until we narrow it.
  await patch({ enabled: true, low: -1000, high: 420, deadband: 500, minDurationMs: 0 });

  // The excursion, repeated until the engine has it.
  await expect
    .poll(
      async () => {
        const res = await request.post(`/api/v1/assets/${ASSET}/telemetry`, {
          data: { values: { temperature: 455, pressure: 6, flow: 100 } },
        });
        expect(res.status()).toBe(201);
        return (await openAlertOf(request, rule.id))?.value;
      },
      { timeout: 10_000 },
    )
    .toBe(455);
  const alert = (await openAlertOf(request, rule.id))!;
  expect(alert).toMatchObject({ state: 'active_unacked', direction: 'high' });

  // Header: banner and badge, live.
  const banner = page.getByTestId('alert-banner');
  // Worded as on the Alerts page: the asset's name and the signal's label.
  await expect(banner).toContainText('Reactor 1 · Temperature above 420');
  await expect(banner).toContainText('critical');
  await expect
    .poll(async () => Number((await page.getByTestId('alert-count').textContent())?.replace(/\D/g, '')))
    .toBeGreaterThanOrEqual(1);
  // Dashboard: a marker where it started.
  await expect.poll(() => chartShapeNames(page)).toContain(`alert-${alert.id}`);

  // Alerts page: listed as active; acknowledge with a comment.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  const row = page.locator(`tr[data-alert-id="${alert.id}"]`);
  await expect(row).toHaveAttribute('data-state', 'active_unacked');
  await expect(row).toContainText('Temperature');
  await expect(row).toContainText('455');
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await row.getByLabel(`Comment for alert ${alert.id}`).fill('feed valve checked');
  await row.getByRole('button', { name: 'Confirm' }).click();
  await expect(row).toHaveAttribute('data-state', 'active_acked');
  await expect(row.getByTestId('ack-info')).toContainText('by olivia');
  await expect(row.getByTestId('ack-info')).toContainText('feed valve checked');
  // Acknowledged: no longer in the banner's active list.
  await expect(page.getByTestId('alert-banner').filter({ hasText: 'Reactor 1 · Temperature above 420' })).toHaveCount(
    0,
  );

  // The value has long returned (normal readings keep coming); narrowing the deadband lets the next one clear it.
  await patch({ deadband: 0 });
  await expect(row).toHaveAttribute('data-state', 'normal', { timeout: 10_000 });
  await expect(row.getByTestId('ack-info')).toContainText('by olivia');
  const stored = await request.get(`/api/v1/alerts?state=normal&assetId=${ASSET}&limit=1000`);
  expect(((await stored.json()) as { alerts: Alert[] }).alerts.map((a) => a.id)).toContain(alert.id);

  // Put the seeded rule back for other tests.
  await patch({ low: 300, high: 400, deadband: 1, minDurationMs: 5000 });
});

test('an operator edits a rule in the rules editor; a bad value is refused naming the field', async ({
  page,
  loginAs,
}) => {
  await loginAs(E2E_USERS.operator);
  await page.goto('/alerts/rules');
  const row = page.locator(`tr[data-asset="${ASSET}"][data-signal="pressure"]`);
  const name = 'Reactor 1 Pressure (critical)';
  await row.getByLabel(`Low of ${name}`).fill('12');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('alert')).toContainText('The rule is invalid');
  await expect(row).toContainText('must be above low');
  await row.getByLabel(`Low of ${name}`).fill('1.5');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved');
  const rules = (await (await page.request.get(`/api/v1/alert-rules?assetId=${ASSET}`)).json()) as {
    rules: { signal: string; low: number; updatedBy: string }[];
  };
  expect(rules.rules.find((r) => r.signal === 'pressure')).toMatchObject({ low: 1.5, updatedBy: 'olivia' });
  await row.getByRole('button', { name: 'Shelve' }).click();
  await expect(row.getByTestId('shelve-state')).toContainText('until');
  await row.getByRole('button', { name: 'Unshelve' }).click();
  await expect(row.getByTestId('shelve-state')).toHaveText('no');
});

test('a rule save that gets no answer, or meets an ended session, says so in the row and changes nothing', async ({
  page,
  context,
  loginAs,
}) => {
  await loginAs(E2E_USERS.operator);
  await page.goto('/alerts/rules');
  const row = page.locator(`tr[data-asset="${ASSET}"][data-signal="pressure"]`);
  const name = 'Reactor 1 Pressure (critical)';
  await row.getByLabel(`Deadband of ${name}`).fill('2.5');

  await context.setOffline(true);
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('alert')).toHaveText('The console did not answer. Check your connection and try again.');
  await context.setOffline(false);

  await context.clearCookies();
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('alert')).toHaveText('Your session has ended; log in again.');

  await loginAs(E2E_USERS.operator);
  const rule = (
    (await (await page.request.get(`/api/v1/alert-rules?assetId=${ASSET}`)).json()) as {
      rules: { signal: string; deadband: number }[];
    }
  ).rules.find((r) => r.signal === 'pressure');
  expect(rule?.deadband).not.toBe(2.5);
});

test('a viewer sees alerts and rules but cannot acknowledge or edit', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await page.goto('/alerts');
  await expect(page.getByTestId('alerts-table')).toBeVisible();
  await expect(page.getByText('Viewers see alerts; operators and admins acknowledge them.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  await page.goto('/alerts/rules');
  await expect(page.locator(`tr[data-asset="${ASSET}"][data-signal="temperature"]`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
  const res = await page.request.post('/api/v1/alerts/1/ack', { data: {} });
  expect(res.status()).toBe(403);
});
