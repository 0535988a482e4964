import type { Page } from '@playwright/test';
import { test as base, expect } from './fixtures';
import { E2E_USERS } from './users';

/** What a Plotly chart holds, read from its graph div (`el.data`, `el.layout`). */
interface ChartState {
  traces: { uid: string; name: string; x: number[]; y: (number | null)[] }[];
  axes: Record<string, { side?: string; overlaying?: string; anchor?: string; title: string } | undefined>;
}

class DashboardView {
  constructor(readonly page: Page) {}

  chart(testId: 'prediction-chart' | 'conditions-chart'): Promise<ChartState> {
    return this.page
      .getByTestId(testId)
      .locator('.js-plotly-plot')
      .evaluate((el) => {
        type Axis = { side?: string; overlaying?: string; anchor?: string; title?: { text?: string } | string };
        const gd = el as unknown as {
          data?: { uid?: string; name?: string; x?: ArrayLike<number>; y?: ArrayLike<number | null> }[];
          layout?: Record<string, Axis | undefined>;
        };
        const axes: ChartState['axes'] = {};
        for (const key of ['yaxis', 'yaxis2', 'yaxis3']) {
          const a = gd.layout?.[key];
          if (a)
            axes[key] = {
              side: a.side,
              overlaying: a.overlaying,
              anchor: a.anchor,
              title: typeof a.title === 'string' ? a.title : (a.title?.text ?? ''),
            };
        }
        return {
          traces: (gd.data ?? []).map((t) => ({
            uid: t.uid ?? '',
            name: t.name ?? '',
            x: Array.from(t.x ?? []),
            y: Array.from(t.y ?? []),
          })),
          axes,
        };
      });
  }

  async trace(testId: 'prediction-chart' | 'conditions-chart', uid: string) {
    const found = (await this.chart(testId)).traces.find((t) => t.uid === uid);
    return found ?? { uid, name: '', x: [], y: [] };
  }

  /** Newest x of a chart's trace (0 while empty). */
  async lastX(testId: 'prediction-chart' | 'conditions-chart', uid: string): Promise<number> {
    return (await this.trace(testId, uid)).x.at(-1) ?? 0;
  }
}

const test = base.extend<{ dash: DashboardView }>({
  dash: async ({ page, loginAs }, provide) => {
    await loginAs(E2E_USERS.operator);
    const dash = new DashboardView(page);
    await expect(page.getByTestId('conditions-chart').locator('.js-plotly-plot')).toBeVisible();
    await expect.poll(() => dash.lastX('conditions-chart', 'temperature')).toBeGreaterThan(0);
    await provide(dash);
  },
});

const noDuplicates = (xs: number[]) => new Set(xs).size === xs.length && xs.every((x, i) => i === 0 || x > xs[i - 1]!);

test('after login both charts fill with live points within 3 s', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.operator);
  const dash = new DashboardView(page);
  await expect
    .poll(() => dash.trace('prediction-chart', 'prediction').then((t) => t.x.length), { timeout: 3_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(() => dash.trace('conditions-chart', 'temperature').then((t) => t.x.length), { timeout: 3_000 })
    .toBeGreaterThan(0);
  // And they keep gaining new points.
  const pred = await dash.lastX('prediction-chart', 'prediction');
  const cond = await dash.lastX('conditions-chart', 'temperature');
  await expect.poll(() => dash.lastX('prediction-chart', 'prediction'), { timeout: 3_000 }).toBeGreaterThan(pred);
  await expect.poll(() => dash.lastX('conditions-chart', 'temperature'), { timeout: 3_000 }).toBeGreaterThan(cond);

  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('last-update-age')).toContainText(/updated \d+ s ago/);
  await expect(page.getByTestId('card-model')).toBeVisible();
  // Every signal card shows its value with the unit the catalog gives.
  for (const name of ['temperature', 'pressure', 'flow']) {
    const card = page.getByTestId(`card-${name}`);
    const unit = (await card.getAttribute('data-unit')) ?? '';
    await expect(card.locator('.card-value')).toHaveText(
      new RegExp(`^-?[\\d.,]+${unit ? ` ${unit.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}` : ''}$`),
    );
  }
});

test('the prediction card labels the band with its coverage and shows the live coverage against measured yields', async ({
  page,
  loginAs,
}) => {
  await loginAs(E2E_USERS.operator);
  const card = page.getByTestId('card-prediction');
  await expect(card.getByTestId('band-label')).toHaveText('90 % prediction interval');
  // The simulator sends an assayed yield with every point.
  await expect(card.getByTestId('band-live-coverage')).toContainText(/live: \d+ % of \d+ measured values inside/);
});

test('the conditions chart has pressure on a second y axis on the right, with units in the titles', async ({
  page,
  dash,
}) => {
  const unitOf = async (name: string) => (await page.getByTestId(`card-${name}`).getAttribute('data-unit')) ?? '';
  const { axes, traces } = await dash.chart('conditions-chart');
  expect(axes.yaxis2).toMatchObject({ side: 'right', overlaying: 'y' });
  const pressureUnit = await unitOf('pressure');
  expect(pressureUnit, 'the catalog gives the pressure a unit').not.toBe('');
  expect(axes.yaxis2?.title).toContain(pressureUnit);
  expect(axes.yaxis?.title).toContain(await unitOf('temperature'));
  expect(axes.yaxis3).toMatchObject({ side: 'right', overlaying: 'y', anchor: 'free' });
  expect(axes.yaxis3?.title).toContain(await unitOf('flow'));
  expect(traces.filter((t) => t.x.length > 0).map((t) => t.uid)).toEqual(
    expect.arrayContaining(['temperature', 'pressure', 'flow']),
  );
});

test('switching the asset switches the series and the cards', async ({ page, dash }) => {
  await expect(page.getByLabel('Asset')).toHaveValue('reactor-1');
  const before = await dash.trace('conditions-chart', 'temperature');
  const beforeByX = new Map(before.x.map((x, i) => [x, before.y[i]]));

  await page.getByLabel('Asset').selectOption('reactor-3');
  const latest3 = async () => {
    const res = await page.request.get('/api/v1/assets');
    expect(res.ok()).toBe(true);
    const body = (await res.json()) as { assets: { id: string; latest: { values: Record<string, number> } | null }[] };
    return body.assets.find((a) => a.id === 'reactor-3')?.latest?.values.temperature;
  };
  // The chart comes to hold reactor 3's newest reading, as the server reports it.
  const target = await latest3();
  expect(target).toBeDefined();
  await expect.poll(async () => (await dash.trace('conditions-chart', 'temperature')).y.includes(target!)).toBe(true);

  // At the instants both views cover, the values are another asset's, not reactor 1's.
  const after = await dash.trace('conditions-chart', 'temperature');
  const common = after.x.map((x, i) => [beforeByX.get(x), after.y[i]] as const).filter(([b]) => b !== undefined);
  expect(common.length).toBeGreaterThan(5);
  expect(common.filter(([b, a]) => b === a).length).toBe(0);
  expect(noDuplicates(after.x)).toBe(true);
  await expect(page.getByRole('heading', { name: /Process conditions · Reactor 3/ })).toBeVisible();
});

test('going offline then online resumes the stream without a gap or a duplicate', async ({ page, context, dash }) => {
  const state = page.getByTestId('connection-state');
  await expect(state).toHaveAttribute('data-state', 'live');
  const beforeX = await dash.lastX('conditions-chart', 'temperature');

  await context.setOffline(true);
  await expect(state).toHaveAttribute('data-state', /offline|reconnecting/);
  await page.waitForTimeout(4_000);
  // Nothing arrives while offline.
  const offlineX = await dash.lastX('conditions-chart', 'temperature');
  await context.setOffline(false);
  await expect(state).toHaveAttribute('data-state', 'live', { timeout: 15_000 });

  await expect.poll(() => dash.lastX('conditions-chart', 'temperature')).toBeGreaterThan(offlineX + 1_000);
  for (const [testId, uid] of [
    ['conditions-chart', 'temperature'],
    ['prediction-chart', 'prediction'],
  ] as const) {
    const { x } = await dash.trace(testId, uid);
    expect(noDuplicates(x), `${testId}: x strictly increasing`).toBe(true);
    // The points sent while offline were fetched on resume: no hole where the outage was.
    const across = x.filter((v) => v >= beforeX - 2_000);
    const maxStep = Math.max(...across.slice(1).map((v, i) => v - across[i]!));
    expect(maxStep, `${testId}: largest step between points`).toBeLessThan(2_500);
  }
  // And it keeps streaming.
  const resumedX = await dash.lastX('conditions-chart', 'temperature');
  await expect.poll(() => dash.lastX('conditions-chart', 'temperature')).toBeGreaterThan(resumedX);
});

test('pause freezes the charts while data keeps arriving; resume jumps to now', async ({ page, dash }) => {
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  const frozen = await dash.trace('conditions-chart', 'temperature');
  const frozenPrediction = await dash.trace('prediction-chart', 'prediction');
  const cardText = await page.getByTestId('card-temperature').locator('.card-value').textContent();

  // The cards stay live meanwhile (the buffers keep filling).
  await expect
    .poll(() => page.getByTestId('card-temperature').locator('.card-value').textContent(), { timeout: 5_000 })
    .not.toBe(cardText);
  await page.waitForTimeout(1_000);
  const still = await dash.trace('conditions-chart', 'temperature');
  expect(still.x.length).toBe(frozen.x.length);
  expect(still.x.at(-1)).toBe(frozen.x.at(-1));
  expect((await dash.trace('prediction-chart', 'prediction')).x.length).toBe(frozenPrediction.x.length);

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // What arrived during the pause shows at once.
  await expect
    .poll(() => dash.lastX('conditions-chart', 'temperature'), { timeout: 2_000 })
    .toBeGreaterThan(frozen.x.at(-1)! + 1_500);
  expect(noDuplicates((await dash.trace('conditions-chart', 'temperature')).x)).toBe(true);
});

test('the time window buttons choose how much history the charts show', async ({ page, dash }) => {
  const windowGroup = page.getByRole('group', { name: 'Time window' });
  await expect(windowGroup.getByRole('button', { name: '5 min', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await windowGroup.getByRole('button', { name: '1 min', exact: true }).click();
  await expect(windowGroup.getByRole('button', { name: '1 min', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(windowGroup.getByRole('button', { name: '5 min', exact: true })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  const span = async () => {
    const { x } = await dash.trace('conditions-chart', 'temperature');
    return x.length ? x.at(-1)! - x[0]! : -1;
  };
  await expect.poll(span).toBeLessThanOrEqual(60_000);
  expect(await span()).toBeGreaterThan(0);
  await windowGroup.getByRole('button', { name: '60 min', exact: true }).click();
  await expect(windowGroup.getByRole('button', { name: '60 min', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect.poll(span).toBeLessThanOrEqual(3_600_000);
});

test('a reading outside the valid range is shown with a distinct marker, not dropped', async ({ page, dash }) => {
  const res = await page.request.post('/api/v1/assets/reactor-1/telemetry', {
    data: { values: { temperature: 451.5, pressure: 6, flow: 100 } },
  });
  expect(res.status()).toBe(201);
  await expect.poll(async () => (await dash.trace('conditions-chart', 'temperature-out-of-range')).y).toContain(451.5);
  expect((await dash.trace('conditions-chart', 'temperature')).y).toContain(451.5);
});

test('the dashboard is readable on a 768 px tablet', async ({ page, dash }, testInfo) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
  for (const id of [
    'prediction-chart',
    'conditions-chart',
    'card-prediction',
    'card-temperature',
    'card-pressure',
    'card-flow',
    'card-model',
    'connection-state',
  ]) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, id).toBeLessThanOrEqual(768);
  }
  // The charts use the width they have (Plotly follows its container).
  await expect
    .poll(
      async () => (await page.getByTestId('conditions-chart').locator('.main-svg').first().boundingBox())?.width ?? 0,
    )
    .toBeGreaterThan(600);
  await page.screenshot({ path: testInfo.outputPath('dashboard-768.png'), fullPage: true });
  expect(await dash.lastX('conditions-chart', 'temperature')).toBeGreaterThan(0);
});
