/**
 * The alarm KPI page over the day of alarms e2e/serve.ts seeded (lib/alerts/seed-day.ts, seed 17:
 * 120 alarms that day, a flood at 14:00, a chattering vibration alarm, one stale and three
 * standing at midnight): the figures, the charts, the CSV export, and a bad range refused.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { E2E_ALARM_DAY, E2E_USERS } from './users';

const FROM = new Date(E2E_ALARM_DAY).toISOString();
const TO = new Date(E2E_ALARM_DAY + 86_400_000).toISOString();

test('the KPI page shows the figures of the seeded day, plots them and exports them', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await page.goto('/alerts');
  await page.getByRole('link', { name: 'KPIs…' }).click();
  await expect(page.getByRole('heading', { name: /KPIs/ })).toBeVisible();

  await page.goto(`/alerts/kpis?from=${FROM}&to=${TO}`);
  const value = (id: string) => page.getByTestId(`kpi-${id}`).locator('strong');
  await expect(value('total')).toHaveText('120');
  await expect(value('perday')).toHaveText('120');
  await expect(page.getByTestId('kpi-perday')).toContainText('✓ acceptable');
  await expect(value('perhour')).toHaveText('5');
  await expect(value('flood')).toHaveText('1 of 144');
  await expect(page.getByTestId('kpi-flood')).toContainText('peak 15 in 10 min');
  await expect(value('chattering')).toHaveText('1');
  await expect(value('stale')).toHaveText('1');
  await expect(value('standing')).toHaveText('3');
  await expect(page.getByTestId('kpi-stale-list').getByRole('row')).toHaveCount(2);
  await expect(page.getByTestId('kpi-stale-list')).toContainText('seed-unit-3');
  const chattering = page.getByTestId('kpi-chattering-list');
  await expect(chattering.getByRole('row')).toHaveCount(2);
  await expect(chattering).toContainText('seed-unit-2');
  await expect(chattering).toContainText('vibration');
  const bad = page.getByTestId('kpi-bad-actors');
  await expect(bad.getByRole('row')).toHaveCount(11);

  // The page shows what the API computes for the same range.
  const api = await page.request.get(`/api/v1/alarms/kpis?from=${FROM}&to=${TO}`);
  expect(api.status()).toBe(200);
  const k = (await api.json()) as {
    timeToAck: { p50Seconds: number; p90Seconds: number };
    badActors: { count: number }[];
  };
  await expect(page.getByTestId('kpi-ack')).toContainText(
    `p50 ${Math.round(k.timeToAck.p50Seconds)} s · p90 ${Math.round(k.timeToAck.p90Seconds)} s`,
  );
  await expect(bad.getByRole('row').nth(1)).toContainText(String(k.badActors[0]!.count));

  // The chart: one bar per 10 minutes, the flood bar above the line.
  const chart = page.getByTestId('kpi-rate-chart').locator('.js-plotly-plot');
  await expect(chart).toBeVisible();
  const bars = await chart.evaluate((el) => (el as unknown as { data: { y: number[] }[] }).data[0]!.y);
  expect(bars).toHaveLength(144);
  expect(bars.reduce((s, y) => s + y, 0)).toBe(120);
  expect(bars.filter((y) => y > 10)).toHaveLength(1);

  // Export: the same figures as CSV.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('alarm-kpis.csv');
  const lines = readFileSync((await file.path())!, 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe('section,item,value,detail');
  expect(lines).toContain('alarms,total,120,"annunciations (raised, incl. reactivations)"');
  expect(lines).toContain('flood,flood_periods,1,more than 10 alarms');
  expect(lines.filter((l) => l.startsWith('per_10_min,'))).toHaveLength(144);

  // A bad range is refused, naming the field.
  const refused = await page.request.get(`/api/v1/alarms/kpis?from=${TO}&to=${FROM}`);
  expect(refused.status()).toBe(400);
  expect(((await refused.json()) as { error: { fields: { field: string }[] } }).error.fields[0]!.field).toBe('to');
});
