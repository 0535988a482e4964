import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { toLocalInput, toWallClock } from '../lib/time/zoned';
import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

// The browser's zone: charts and inputs must follow it (stored times are UTC).
const ZONE = 'Europe/Paris';
test.use({ timezoneId: ZONE });

/** Two days ago, to the minute: 120 readings 10 s apart, with one temperature spike. */
const START = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000;
const COUNT = 120;
const SPIKE_AT = 61;
const SPIKE = 377.25;
const ASSET = 'reactor-3';
const readings = Array.from({ length: COUNT }, (_, i) => ({
  ts: new Date(START + i * 10_000).toISOString(),
  values: { temperature: i === SPIKE_AT ? SPIKE : 350 + (i % 4) / 4, pressure: 6, flow: 100 },
  actual: 85,
}));

interface Trace {
  uid: string;
  x: number[];
  /** What the chart shows for each x: its wall clock, as UTC ms (Plotly's own conversion). */
  shown: number[];
  y: (number | null)[];
}
async function traces(page: Page, testId: string): Promise<Trace[]> {
  return page
    .getByTestId(testId)
    .locator('.js-plotly-plot')
    .evaluate((el) => {
      const gd = el as unknown as {
        data?: { uid?: string; x?: ArrayLike<number>; y?: ArrayLike<number | null> }[];
        _fullLayout: { xaxis: { d2c(v: number): number } };
      };
      const ax = gd._fullLayout.xaxis;
      return (gd.data ?? []).map((t) => ({
        uid: t.uid ?? '',
        x: Array.from(t.x ?? []),
        shown: Array.from(t.x ?? []).map((v) => ax.d2c(v)),
        y: Array.from(t.y ?? []),
      }));
    });
}

async function showPastRange(page: Page) {
  await page.goto('/history');
  await page.getByLabel('Asset').selectOption(ASSET);
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill(toLocalInput(START - 60_000, ZONE));
  await page.getByLabel('To', { exact: true }).fill(toLocalInput(START + 21 * 60_000, ZONE));
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('history-status')).toContainText(`${COUNT} readings stored`);
}

test.describe.configure({ mode: 'serial' });

test('an operator’s past readings show on the History page at their time, in the browser’s zone', async ({
  page,
  loginAs,
}) => {
  await loginAs(E2E_USERS.operator);
  const res = await page.request.post(`/api/v1/assets/${ASSET}/telemetry`, { data: readings });
  expect(res.status()).toBe(201);

  await showPastRange(page);
  await expect(page.getByTestId('history-status')).toContainText(`(${ZONE})`);
  await expect
    .poll(
      async () => (await traces(page, 'history-conditions-chart')).find((t) => t.uid === 'temperature')?.x.length ?? 0,
    )
    .toBe(COUNT);
  const temp = (await traces(page, 'history-conditions-chart')).find((t) => t.uid === 'temperature')!;
  const i = temp.y.indexOf(SPIKE);
  expect(i).toBe(SPIKE_AT);
  // The chart shows the spike at its wall-clock time in Paris.
  expect(temp.shown[i]).toBe(toWallClock(START + SPIKE_AT * 10_000, ZONE));
  // The prediction chart has the model's prediction and its band for the same readings.
  const pred = await traces(page, 'history-prediction-chart');
  expect(pred.find((t) => t.uid === 'prediction')!.y.filter((v) => v !== null).length).toBeGreaterThan(COUNT / 2);
  expect(pred.some((t) => t.uid.startsWith('upper-'))).toBe(true);
  // The modebar's camera button downloads the chart as a PNG named after the asset and range.
  await page.getByTestId('history-prediction-chart').hover();
  const png = page.waitForEvent('download');
  await page.getByTestId('history-prediction-chart').locator('[data-title="Download plot as a PNG"]').click();
  const image = await png;
  expect(image.suggestedFilename()).toMatch(new RegExp(`^${ASSET}_.*_prediction\\.png$`));
  expect(
    readFileSync((await image.path())!)
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
});

test('zooming a chart fetches finer data for the zoomed range', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await showPastRange(page);
  await expect.poll(async () => (await traces(page, 'history-prediction-chart')).length).toBeGreaterThan(0);
  const box = (await page.getByTestId('history-prediction-chart').locator('.nsewdrag').first().boundingBox())!;
  const request = page.waitForRequest((r) => r.url().includes(`/api/v1/assets/${ASSET}/history`));
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const url = new URL((await request).url());
  const from = Number(url.searchParams.get('from'));
  const to = Number(url.searchParams.get('to'));
  expect(from).toBeGreaterThan(START - 60_000);
  expect(to).toBeLessThan(START + 21 * 60_000);
  expect(to - from).toBeLessThan(12 * 60_000);
  await expect(page.getByTestId('history-status')).toContainText('zoomed');
});

test('Export CSV downloads the stored readings of the range with units and UTC times', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await showPastRange(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^${ASSET}_.*\\.csv$`));
  const lines = readFileSync((await file.path())!, 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toMatch(/^ts \(UTC\),temperature \(.+\),pressure \(.+\),flow \(.+\),prediction \(.*\),lower/);
  expect(lines.length).toBe(COUNT + 1);
  expect(lines[1]!.startsWith(`${new Date(START).toISOString()},`)).toBe(true);
  expect(lines[SPIKE_AT + 1]).toContain(`${new Date(START + SPIKE_AT * 10_000).toISOString()},${SPIKE},6,100,`);
});

test('a chosen time zone is kept for the user and moves the chart times', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await showPastRange(page);
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/me/preferences') && r.request().method() === 'PUT',
  );
  await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
  expect((await saved).status()).toBe(200);
  await expect(page.getByTestId('history-status')).toContainText('(Asia/Tokyo)');
  await expect
    .poll(
      async () =>
        (await traces(page, 'history-conditions-chart')).find((t) => t.uid === 'temperature')?.shown[SPIKE_AT],
    )
    .toBe(toWallClock(START + SPIKE_AT * 10_000, 'Asia/Tokyo'));
  await page.reload();
  await expect(page.getByLabel('Time zone')).toHaveValue('Asia/Tokyo');
  await page.getByLabel('Time zone').selectOption('');
  await expect(page.getByTestId('history-status')).toContainText(`(${ZONE})`);
});
