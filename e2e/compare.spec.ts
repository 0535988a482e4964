import type { Page } from '@playwright/test';
import { toLocalInput } from '../lib/time/zoned';
import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

test.use({ timezoneId: 'UTC' });

const DAY = 86_400_000;
const ASSET = 'reactor-2';
/** Three days ago, to the minute, and the same clock time a day earlier: 60 readings 10 s apart each. */
const START = Math.floor((Date.now() - 3 * DAY) / 60_000) * 60_000;
const COUNT = 60;
const readings = (from: number, temperature: number) =>
  Array.from({ length: COUNT }, (_, i) => ({
    ts: new Date(from + i * 10_000).toISOString(),
    values: { temperature, pressure: 6, flow: 100 },
  }));

interface Trace {
  uid: string;
  name: string;
  x: number[];
  y: (number | null)[];
}
function traces(page: Page, testId: string): Promise<Trace[]> {
  return page
    .getByTestId(testId)
    .locator('.js-plotly-plot')
    .evaluate((el) => {
      const gd = el as unknown as {
        data?: { uid?: string; name?: string; x?: ArrayLike<number>; y?: ArrayLike<number | null> }[];
      };
      return (gd.data ?? []).map((t) => ({
        uid: t.uid ?? '',
        name: t.name ?? '',
        x: Array.from(t.x ?? []),
        y: Array.from(t.y ?? []),
      }));
    });
}
function yRange(page: Page, testId: string, axis = 'yaxis'): Promise<unknown> {
  return page
    .getByTestId(testId)
    .locator('.js-plotly-plot')
    .evaluate((el, key) => {
      const gd = el as unknown as { layout?: Record<string, { range?: unknown; autorange?: unknown } | undefined> };
      const a = gd.layout?.[key];
      return a?.autorange === false ? a.range : 'auto';
    }, axis);
}

async function showRange(page: Page) {
  await page.goto('/history');
  await page.getByLabel('Asset').selectOption(ASSET);
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill(toLocalInput(START - 60_000, 'UTC'));
  await page.getByLabel('To', { exact: true }).fill(toLocalInput(START + 11 * 60_000, 'UTC'));
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('history-status')).toContainText(`${COUNT} readings stored`);
}

test.describe.configure({ mode: 'serial' });

test('compare with the previous day overlays the earlier period on the same axis, named in the legend', async ({
  page,
  loginAs,
}) => {
  await loginAs(E2E_USERS.operator);
  for (const [from, t] of [
    [START, 352],
    [START - DAY, 341],
  ] as const) {
    const res = await page.request.post(`/api/v1/assets/${ASSET}/telemetry`, { data: readings(from, t) });
    expect(res.status()).toBe(201);
  }
  await showRange(page);
  await page.getByLabel('Compare with').selectOption('day');
  await expect(page.getByTestId('history-status')).toContainText(`compared with previous day (${COUNT} readings)`);
  await expect
    .poll(async () => (await traces(page, 'history-conditions-chart')).map((t) => t.name))
    .toEqual(expect.arrayContaining(['Temperature', 'Temperature · previous day']));
  const all = await traces(page, 'history-conditions-chart');
  const now = all.find((t) => t.uid === 'temperature')!;
  const before = all.find((t) => t.uid === 'temperature-compare')!;
  expect(new Set(now.y.filter((v) => v !== null))).toEqual(new Set([352]));
  expect(new Set(before.y.filter((v) => v !== null))).toEqual(new Set([341]));
  // Shifted onto the current range: the same times on the axis.
  expect(before.x).toEqual(now.x);
  // Both periods are named in the drawn legend.
  const legend = page.getByTestId('history-conditions-chart').locator('.legendtext');
  await expect(legend.filter({ hasText: 'Temperature · previous day' })).toHaveCount(1);
  await expect(legend.filter({ hasText: /^Temperature$/ })).toHaveCount(1);
  const pred = await traces(page, 'history-prediction-chart');
  expect(pred.map((t) => t.uid)).toEqual(expect.arrayContaining(['prediction', 'prediction-compare']));

  // Back to none: the overlay goes.
  await page.getByLabel('Compare with').selectOption('none');
  await expect
    .poll(async () => (await traces(page, 'history-conditions-chart')).some((t) => t.uid.endsWith('-compare')))
    .toBe(false);
});

test('a fixed y-axis range for a signal is kept after a reload; min must be below max', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await showRange(page);
  await expect.poll(() => yRange(page, 'history-conditions-chart')).toBe('auto');
  await page.getByRole('button', { name: 'Y axes of the process conditions chart' }).click();
  const form = page.getByRole('form', { name: 'Y axes of the process conditions chart' });
  const temp = form.getByRole('group', { name: /^Temperature/ });
  await temp.getByLabel('Fixed').check();
  await temp.getByLabel(/min$/).fill('360');
  await temp.getByLabel(/max$/).fill('330');
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(form.getByRole('alert')).toContainText('max must be greater than min');
  await temp.getByLabel(/max$/).fill('365');
  await temp.getByLabel(/min$/).fill('330');
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/me/preferences') && r.request().method() === 'PUT',
  );
  await form.getByRole('button', { name: 'Apply' }).click();
  expect((await saved).status()).toBe(200);
  await expect.poll(() => yRange(page, 'history-conditions-chart')).toEqual([330, 365]);
  // Pressure stays auto.
  expect(await yRange(page, 'history-conditions-chart', 'yaxis2')).toBe('auto');

  await page.reload();
  await expect.poll(() => yRange(page, 'history-conditions-chart')).toEqual([330, 365]);
  // The dashboard uses the same choice.
  await page.goto('/');
  await expect.poll(() => yRange(page, 'conditions-chart')).toEqual([330, 365]);
});
