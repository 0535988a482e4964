import type { Page, Request } from '@playwright/test';
import { test as base, expect } from './fixtures';
import { E2E_USERS } from './users';

const FEATURES = ['temperature', 'pressure', 'flow'] as const;

interface Trace {
  type: string;
  uid: string;
  x: number[];
  y: (number | null)[];
  z: (number | null)[][] | null;
}

/** The what-if page as a test sees it. */
class WhatIfView {
  constructor(readonly page: Page) {}

  get card() {
    return this.page.getByTestId('whatif-prediction');
  }

  /** The slider (its accessible name is exactly the feature label; the number box's is "<label> value"). */
  slider(label: string) {
    return this.page.getByLabel(label, { exact: true });
  }

  /** What the card shows: the inputs it was computed for and the prediction. */
  async shown(): Promise<{
    state: string | null;
    inputs: Record<string, number> | null;
    prediction: number | null;
    text: string;
  }> {
    const [state, inputs, prediction, text] = await Promise.all([
      this.card.getAttribute('data-state'),
      this.card.getAttribute('data-inputs'),
      this.card.getAttribute('data-prediction'),
      this.card.innerText(),
    ]);
    return {
      state,
      inputs: inputs ? (JSON.parse(inputs) as Record<string, number>) : null,
      prediction: prediction === null ? null : Number(prediction),
      text,
    };
  }

  /** Waits until the card shows a prediction for `temperature`, and returns it. */
  async predictionAt(temperature: number) {
    await expect
      .poll(async () => {
        const s = await this.shown();
        return s.state === 'ok' && s.inputs?.temperature === temperature;
      })
      .toBe(true);
    return this.shown();
  }

  traces(testId: string): Promise<Trace[]> {
    return this.page
      .getByTestId(testId)
      .locator('.js-plotly-plot')
      .evaluate((el) => {
        const gd = el as unknown as {
          data?: {
            type?: string;
            uid?: string;
            x?: ArrayLike<number>;
            y?: ArrayLike<number | null>;
            z?: ArrayLike<ArrayLike<number | null>>;
          }[];
        };
        return (gd.data ?? []).map((t) => ({
          type: t.type ?? 'scatter',
          uid: t.uid ?? '',
          x: Array.from(t.x ?? []),
          y: Array.from(t.y ?? []),
          z: t.z ? Array.from(t.z, (row) => Array.from(row)) : null,
        }));
      });
  }
}

const test = base.extend<{ whatIf: WhatIfView }>({
  whatIf: async ({ page, loginAs }, provide) => {
    await loginAs(E2E_USERS.operator);
    await page.goto('/what-if');
    const view = new WhatIfView(page);
    await expect(view.card).toHaveAttribute('data-state', 'ok');
    await provide(view);
  },
});

const predictBody = (req: Request) =>
  req.url().endsWith('/api/v1/twin/predict') && req.method() === 'POST'
    ? (req.postDataJSON() as Record<string, number>)
    : null;

test('a slider and a number box for every model feature, labelled from twin.json', async ({ page, whatIf }) => {
  const model = (await (await page.request.get('/api/v1/model')).json()) as {
    features: { name: string; label: string; unit: string; min: number; max: number; step: number }[];
  };
  expect(model.features.map((f) => f.name)).toEqual([...FEATURES]);
  for (const f of model.features) {
    const slider = whatIf.slider(f.label);
    await expect(slider).toHaveAttribute('type', 'range');
    await expect(slider).toHaveAttribute('min', String(f.min));
    await expect(slider).toHaveAttribute('max', String(f.max));
    await expect(slider).toHaveAttribute('step', String(f.step));
    await expect(page.getByLabel(`${f.label} value`)).toHaveAttribute('type', 'number');
    await expect(page.getByRole('group', { name: f.label })).toContainText(f.unit);
  }
  // Keyboard: arrow keys move the focused slider by one step, and a new prediction follows.
  const temperature = whatIf.slider('Temperature');
  await temperature.fill('350');
  await whatIf.predictionAt(350);
  await temperature.focus();
  await page.keyboard.press('ArrowRight');
  await expect(temperature).toHaveValue('351');
  await expect(page.getByLabel('Temperature value')).toHaveValue('351');
  await whatIf.predictionAt(351);
});

test('moving a slider changes the prediction, shown with band, unit, change vs live and inference time', async ({
  whatIf,
}) => {
  await whatIf.slider('Temperature').fill('360');
  const at360 = await whatIf.predictionAt(360);
  expect(at360.text).toMatch(/\d+(\.\d+)? % \[\d+(\.\d+)?–\d+(\.\d+)?\]/);
  expect(at360.text).toMatch(/[+−±]\d+(\.\d+)? % vs live/);
  expect(at360.text).toMatch(/inference [\d.]+ ms/);

  await whatIf.slider('Temperature').fill('310');
  const at310 = await whatIf.predictionAt(310);
  expect(at310.text).not.toBe(at360.text);
  // Running 50 °C cool costs yield.
  expect(at310.prediction!).toBeLessThan(at360.prediction!);
});

test('sensitivity curves and the heatmap render from batch predictions', async ({ page, whatIf }) => {
  for (const name of FEATURES) {
    await expect(page.getByTestId(`sensitivity-${name}`).locator('.js-plotly-plot')).toBeVisible();
    await expect
      .poll(
        async () =>
          (await whatIf.traces(`sensitivity-${name}`)).find((t) => t.uid === 'prediction')?.y.filter((y) => y !== null)
            .length ?? 0,
      )
      .toBeGreaterThanOrEqual(25);
    const traces = await whatIf.traces(`sensitivity-${name}`);
    expect(traces.find((t) => t.uid === 'upper')?.y.length, `${name}: band`).toBeGreaterThanOrEqual(25);
  }
  await expect(page.getByTestId('whatif-heatmap').locator('.js-plotly-plot')).toBeVisible();
  const heatmap = async () => (await whatIf.traces('whatif-heatmap')).find((t) => t.type === 'heatmap');
  await expect.poll(async () => (await heatmap())?.z?.length ?? 0).toBeGreaterThanOrEqual(10);
  const first = (await heatmap())!;
  expect(first.z!.every((row) => row.length === first.x.length)).toBe(true);
  expect(first.z!.length).toBe(first.y.length);
  expect(first.z!.flat().filter((v) => typeof v === 'number').length).toBe(first.x.length * first.y.length);

  // The heatmap holds flow at the slider value: moving flow redraws it, from one batch request.
  const batches: number[] = [];
  page.on('request', (req) => {
    if (req.url().endsWith('/api/v1/twin/batch'))
      batches.push((req.postDataJSON() as { inputs: unknown[] }).inputs.length);
  });
  await page.getByLabel('Flow', { exact: true }).fill('60');
  await expect.poll(async () => JSON.stringify((await heatmap())?.z)).not.toBe(JSON.stringify(first.z));
  await expect(page.getByRole('heading', { name: /at Flow 60 kg\/h/ })).toBeVisible();
  // One request for the three curves together, one for the grid; nothing over the batch limit.
  expect(batches).toEqual(expect.arrayContaining([first.x.length * first.y.length]));
  expect(batches.length).toBeLessThanOrEqual(3);
  expect(Math.max(...batches)).toBeLessThanOrEqual(1000);
});

test('a typed out-of-range value is sent and the server error shows next to the field', async ({ page, whatIf }) => {
  const sent = page.waitForRequest((req) => predictBody(req)?.temperature === 450);
  await page.getByLabel('Temperature value').fill('450');
  await sent;
  const error = page.getByTestId('feature-temperature').getByRole('alert');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-testid', 'field-error-temperature');
  await expect(error).toContainText('400');
  await expect(error).toContainText('temperature');
  await expect(whatIf.card).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('field-error-pressure')).toHaveCount(0);

  // Back in range: the error goes and a prediction returns.
  await page.getByLabel('Temperature value').fill('380');
  await whatIf.predictionAt(380);
  await expect(page.getByTestId('field-error-temperature')).toHaveCount(0);
});

test('a slow answer to an older request never overwrites a newer one', async ({ page, whatIf }) => {
  let delayed = 0;
  await page.route('**/api/v1/twin/predict', async (route) => {
    const body = route.request().postDataJSON() as Record<string, number>;
    if (body.temperature === 320) {
      const response = await route.fetch();
      await new Promise((r) => setTimeout(r, 2_000));
      delayed++;
      await route.fulfill({ response }).catch(() => undefined);
      return;
    }
    await route.continue();
  });
  // Start from a known value: the sliders open at the live conditions, which may already be 320.
  await whatIf.slider('Temperature').fill('360');
  await whatIf.predictionAt(360);
  const slow = page.waitForRequest((req) => predictBody(req)?.temperature === 320);
  await whatIf.slider('Temperature').fill('320');
  await slow;
  await whatIf.slider('Temperature').fill('380');
  const at380 = await whatIf.predictionAt(380);
  await expect.poll(() => delayed, { timeout: 5_000 }).toBe(1);
  await page.waitForTimeout(500);
  const after = await whatIf.shown();
  expect(after.inputs?.temperature).toBe(380);
  expect(after.prediction).toBe(at380.prediction);
});

test('"Use live values" sets the sliders to the chosen asset\'s current conditions', async ({ page, whatIf }) => {
  // The simulated plant has sensor excursions (every ~3 min per asset, 10-40 s each, then the
  // time constant to come back) during which the asset has no live prediction; wait one out.
  test.setTimeout(120_000);
  await whatIf.slider('Temperature').fill('301');
  await whatIf.predictionAt(301);
  await page.getByLabel('Asset').selectOption('reactor-3');
  await expect(page.getByTestId('whatif-live')).toContainText(/Reactor 3: \d+(\.\d+)? %/, { timeout: 75_000 });
  await page.getByRole('button', { name: 'Use live values' }).click();

  const res = await page.request.get('/api/v1/assets');
  const body = (await res.json()) as { assets: { id: string; latest: { values: Record<string, number> } | null }[] };
  const live = body.assets.find((a) => a.id === 'reactor-3')?.latest?.values;
  expect(live).toBeDefined();
  // The simulator moves a little every tick; the slider holds the reading at the click.
  const value = Number(await whatIf.slider('Temperature').inputValue());
  expect(Math.abs(value - live!.temperature!)).toBeLessThan(5);
  expect(Math.abs(Number(await whatIf.slider('Pressure').inputValue()) - live!.pressure!)).toBeLessThan(0.5);
  const shown = await whatIf.predictionAt(value);
  // The same conditions as live: the what-if prediction is close to the live one.
  expect(shown.text).toMatch(/[+−±]\d+(\.\d+)? % vs live/);
});

for (const width of [1280, 768]) {
  test(`the explorer is readable at ${width} px`, async ({ page, whatIf }, testInfo) => {
    await page.setViewportSize({ width, height: 1000 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    for (const id of [
      'whatif-prediction',
      'sensitivity-temperature',
      'sensitivity-pressure',
      'sensitivity-flow',
      'whatif-heatmap',
      'feature-temperature',
    ]) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(width);
    }
    await expect.poll(async () => (await whatIf.traces('whatif-heatmap')).some((t) => t.type === 'heatmap')).toBe(true);
    await page.waitForTimeout(500);
    await page.screenshot({ path: testInfo.outputPath(`whatif-${width}.png`), fullPage: true });
  });
}

test('the band is labelled with its coverage, and "Find best" moves the sliders to the recommended point', async ({
  page,
  whatIf,
}) => {
  await expect(whatIf.card).toContainText('90 % prediction interval');
  await page.getByRole('button', { name: 'Find best' }).click();
  const recommendation = page.getByTestId('recommendation');
  await expect(recommendation).toContainText('90 % prediction interval');
  await expect(recommendation).toContainText(/Temperature \d+ °C \([+−±]/);
  // The shipped model's optimum is the plant's: 360 °C, 6 bar, 100 kg/h (within 2, 0.2, 3).
  const value = async (label: string) => Number(await whatIf.slider(label).inputValue());
  expect(Math.abs((await value('Temperature')) - 360)).toBeLessThanOrEqual(2);
  expect(Math.abs((await value('Pressure')) - 6)).toBeLessThanOrEqual(0.2 + 1e-9);
  expect(Math.abs((await value('Flow')) - 100)).toBeLessThanOrEqual(3);
  const shown = await whatIf.predictionAt(await value('Temperature'));
  expect(shown.prediction!).toBeGreaterThan(89);
  // Marked on the curves and the heatmap.
  await expect
    .poll(async () => (await whatIf.traces('sensitivity-temperature')).some((t) => t.uid === 'recommended'))
    .toBe(true);
  await expect
    .poll(async () => (await whatIf.traces('whatif-heatmap')).some((t) => t.uid === 'recommended'))
    .toBe(true);
});
