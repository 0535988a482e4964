import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

const ASSET = 'gw-e2e';

test('an ingest-fed asset whose readings stop shows "no data since" and raises a stale-data alert; fresh data clears both', async ({
  page,
  loginAs,
}) => {
  test.setTimeout(60_000);
  await loginAs(E2E_USERS.operator);
  const request = page.request;
  const send = async () => {
    const res = await request.post(`/api/v1/assets/${ASSET}/telemetry`, {
      data: { values: { temperature: 352, pressure: 6, flow: 100 } },
    });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { points: { ts: string }[] }).points[0]!.ts;
  };

  await page.goto('/');
  // Pick the asset once the page is live (hydrated): a choice made before would be reset.
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await page.getByLabel('Asset').selectOption(ASSET);
  const lastTs = await send();
  await expect(page.getByTestId('card-temperature')).toContainText('352');
  const notice = page.getByTestId('source-status');
  await expect(notice).toHaveCount(0);

  // The source stops: after 5 expected intervals (2.5 s at 2 Hz) the cards say since when.
  const shown = await page.evaluate(
    (ts) =>
      new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(
        new Date(ts),
      ),
    lastTs,
  );
  await expect(notice).toBeVisible({ timeout: 10_000 });
  await expect(notice).toHaveAttribute('data-state', 'stale');
  await expect(notice).toContainText(`${ASSET}: source stale · no data since ${shown}`);

  // The stale-data alert comes through the alert engine: banner and Alerts page.
  const banner = page.getByTestId('alert-banner');
  await expect(banner).toContainText(`${ASSET} · Seconds without data above 2`, { timeout: 10_000 });
  await page.goto('/alerts');
  await expect(page.locator(`tr[data-asset="${ASSET}"][data-signal="source:stale"]`).first()).toHaveAttribute(
    'data-state',
    'active_unacked',
  );

  // Fresh data: live again, the notice goes and the alert clears.
  await page.goto('/');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await page.getByLabel('Asset').selectOption(ASSET);
  await expect(notice).toBeVisible();
  await send();
  await expect(notice).toHaveCount(0);
  // Returned to normal before anyone acknowledged it (ISA-18.2): it stays until acknowledged.
  const staleAlarms = async (state: string) => {
    const res = await request.get(`/api/v1/alerts?state=${state}&assetId=${ASSET}&limit=100`);
    return ((await res.json()) as { alerts: { id: number; signal: string }[] }).alerts.filter(
      (a) => a.signal === 'source:stale',
    );
  };
  await expect.poll(async () => (await staleAlarms('rtn_unacked')).length).toBe(1);
  const [returned] = await staleAlarms('rtn_unacked');
  expect((await request.post(`/api/v1/alerts/${returned!.id}/ack`, { data: {} })).status()).toBe(200);
  await expect.poll(async () => (await staleAlarms('open')).length).toBe(0);

  // Clean up for later specs: with its rule disabled the asset's next stale spell raises nothing.
  const rules = (await (await request.get(`/api/v1/alert-rules?assetId=${ASSET}`)).json()) as {
    rules: { id: string; signal: string }[];
  };
  const rule = rules.rules.find((r) => r.signal === 'source:stale')!;
  expect((await request.patch(`/api/v1/alert-rules/${rule.id}`, { data: { enabled: false } })).status()).toBe(200);
});
