/**
 * The asset registry in the browser (issue 15): an admin creates an asset on Admin -> Assets; a
 * dashboard already open in another tab shows it at once in its picker, under its place in the
 * plant (no reload: `assets:changed`); its Sparkplug B device is listed; a reading posted for it (its source tag converted, its
 * extra signal along) shows on the live charts.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

/** The y values of one trace of a chart. */
function trace(page: Page, chart: string, uid: string): Promise<number[]> {
  return page
    .getByTestId(chart)
    .locator('.js-plotly-plot')
    .evaluate((el, name) => {
      const gd = el as unknown as { data?: { uid?: string; y?: ArrayLike<number | null> }[] };
      const t = (gd.data ?? []).find((d) => d.uid === name);
      return Array.from(t?.y ?? []).filter((v): v is number => v !== null);
    }, uid);
}

test('an admin creates an asset: it appears in an open dashboard under its place, and its readings on the live charts', async ({
  page,
  loginAs,
}) => {
  test.setTimeout(90_000);
  const id = `r-e2e-${Date.now().toString(36)}`;
  await loginAs(E2E_USERS.admin);

  // A dashboard open before the asset exists.
  const dashboard = await page.context().newPage();
  await dashboard.goto('/');
  await expect(dashboard.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');

  await page.goto('/admin/assets');
  const form = page.getByRole('form', { name: 'New asset' });
  await form.getByLabel('Id (slug, e.g. r-101)').fill(id);
  await form.getByLabel('Name', { exact: true }).fill('R-E2E');
  await form.getByLabel('Place (site/area/unit)').fill('Ludwigshafen / Ammonia / R-E2E');
  // The model's temperature arrives in °F under the plant's tag.
  await form.getByLabel('Tag of signal 1').fill('TI-E2E.PV');
  await form.getByLabel('Scale of signal 1').fill(String(5 / 9));
  await form.getByLabel('Offset of signal 1').fill(String(-160 / 9));
  await form.getByRole('button', { name: 'Add signal' }).click();
  await form.getByLabel('Name of signal 4').fill('level');
  await form.getByLabel('Label of signal 4').fill('Level');
  await form.getByLabel('Unit of signal 4').fill('%');
  await form.getByLabel('Min of signal 4').fill('0');
  await form.getByLabel('Max of signal 4').fill('100');
  // Its Sparkplug B device; a `/` in an id is refused under its field.
  await form.getByLabel('Sparkplug group').fill('Ludwigshafen');
  await form.getByLabel('Sparkplug edge node').fill('gw/1');
  await form.getByLabel('Sparkplug device').fill(id);
  await form.getByRole('button', { name: 'Create asset' }).click();
  await expect(form.getByLabel('Sparkplug edge node')).toHaveAccessibleDescription(/must not contain \/ \+ or #/);
  await form.getByLabel('Sparkplug edge node').fill('gw-1');
  await form.getByRole('button', { name: 'Create asset' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Created ${id}` })).toBeVisible();
  await expect(page.getByTestId(`asset-sparkplug-${id}`)).toContainText(`Ludwigshafen/gw-1/${id}`);
  // The admin list shows it under its place.
  await expect(page.getByTestId('asset-group-Ludwigshafen / Ammonia').getByTestId(`asset-row-${id}`)).toContainText(
    'Level (%)',
  );

  // The open dashboard's picker has it, grouped under site / area, without a reload.
  const picker = dashboard.getByLabel('Asset');
  await expect(picker.locator(`optgroup[label="Ludwigshafen / Ammonia"] option[value="${id}"]`)).toHaveText('R-E2E');
  await picker.selectOption(id);
  await expect(dashboard.getByTestId('conditions-chart').locator('.js-plotly-plot')).toBeVisible();
  await expect(dashboard.getByTestId('extra-chart')).toHaveAttribute('data-traces', 'level');

  // 698 °F by its tag is 370 °C; the level rides along.
  const res = await page.request.post(`/api/v1/assets/${id}/telemetry`, {
    data: { values: { 'TI-E2E.PV': 698, pressure: 6, flow: 100, level: 42.5 } },
  });
  expect(res.status(), await res.text()).toBe(201);
  await expect
    .poll(async () => (await trace(dashboard, 'conditions-chart', 'temperature')).map(Math.round))
    .toEqual([370]);
  await expect.poll(() => trace(dashboard, 'extra-chart', 'level')).toEqual([42.5]);
  // A note on the asset is drawn on its "Other signals" chart too, as on the model's charts.
  const noted = await page.request.post('/api/v1/annotations', {
    data: { assetId: id, start: Date.now() - 2_000, end: Date.now(), note: 'level gauge check' },
  });
  expect(noted.status(), await noted.text()).toBe(201);
  const noteId = ((await noted.json()) as { annotation: { id: string } }).annotation.id;
  await expect
    .poll(() =>
      dashboard
        .getByTestId('extra-chart')
        .locator('.js-plotly-plot')
        .evaluate((el) =>
          ((el as unknown as { layout?: { shapes?: { name?: string }[] } }).layout?.shapes ?? []).map((s) => s.name),
        ),
    )
    .toContain(`annotation-${noteId}`);

  // A reading with a signal the asset does not have is refused naming it; the admin page shows it.
  const bad = await page.request.post(`/api/v1/assets/${id}/telemetry`, {
    data: { values: { temperature: 350, pressure: 6, flow: 100, vibration: 1 } },
  });
  expect(bad.status()).toBe(400);
  await page.reload();
  const data = page.getByTestId(`asset-ingest-${id}`);
  await expect(data).toContainText('last reading');
  await expect(data).toContainText('refused');
  await expect(data).toContainText('values.vibration');

  // The trace can be hidden.
  await dashboard.getByRole('checkbox', { name: 'Level (%)' }).uncheck();
  await expect(dashboard.getByTestId('extra-chart')).toHaveAttribute('data-traces', '');
});
