import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { CHART_PALETTES, THEMES, type ThemeName } from '../lib/display/themes';
import { raiseCriticalAlarm, type RaisedAlarm } from './critical-alarm';
import { test, expect, logIn } from './fixtures';
import { E2E_USERS } from './users';

/** The colours the conditions chart draws its traces in (from Plotly's graph div). */
function traceColors(page: Page): Promise<string[]> {
  return page
    .getByTestId('conditions-chart')
    .locator('.js-plotly-plot')
    .evaluate((el) => {
      const gd = el as unknown as { data?: { mode?: string; line?: { color?: string } }[] };
      return (gd.data ?? []).filter((t) => t.mode === 'lines').map((t) => t.line?.color ?? '');
    });
}

async function chooseTheme(page: Page, theme: ThemeName): Promise<void> {
  await page.goto('/account');
  const select = page.getByLabel('Theme');
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/me/preferences') && r.request().method() === 'PUT',
  );
  await select.selectOption(theme);
  expect((await saved).status()).toBe(200);
  // Applied to the page at once.
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

// The header banner's critical colours are part of every theme's check: an operator raises a
// critical alarm through the real path (a rule the simulated readings breach) before the tests,
// and puts the rule back after them.
let operator: BrowserContext;
let alarm: RaisedAlarm;
test.beforeAll(async ({ browser }, testInfo) => {
  // A login and a rule change, then waiting for the engine: more than one test's work.
  test.setTimeout(testInfo.timeout * 2);
  operator = await browser.newContext();
  const page = await operator.newPage();
  await logIn(page, E2E_USERS.operator);
  await expect(page.getByTestId('current-user')).toContainText(E2E_USERS.operator.name);
  alarm = await raiseCriticalAlarm(operator.request);
});
test.afterAll(async ({}, testInfo) => {
  test.setTimeout(testInfo.timeout * 2);
  await alarm?.restore();
  await operator?.close();
});

test.afterEach(async ({ page }) => {
  // The viewer account is shared with other specs: leave it on the default theme.
  await page.request.put('/api/v1/me/preferences', { data: { theme: 'dark' } });
});

for (const theme of THEMES) {
  test(`the ${theme} theme is served before the first paint and the dashboard passes axe's contrast check`, async ({
    page,
    loginAs,
  }) => {
    // Two page loads, a chart and axe on the whole page.
    test.slow();
    await loginAs(E2E_USERS.viewer);
    await chooseTheme(page, theme);

    // The server renders the user's theme into the page itself: no script has to run first.
    const html = await (await page.request.get('/')).text();
    expect(html).toMatch(new RegExp(`<html[^>]*data-theme="${theme}"`));

    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect
      .poll(async () => Number(await page.getByTestId('conditions-chart').getAttribute('data-points')))
      .toBeGreaterThan(0);
    // The traces are drawn in this theme's colour-blind-safe palette.
    await expect.poll(() => traceColors(page)).toEqual(CHART_PALETTES[theme].series.slice(0, 3));
    // The critical alarm is in the header banner (first: the most urgent), so axe reads its colours.
    const banner = page.getByTestId('alert-banner');
    await expect(banner).toHaveAttribute('data-level', 'critical');
    const critical = banner.locator('li[data-severity="critical"]', { hasText: /Reactor 3 · Pressure above 0[.,]5/ });
    await expect(critical).toBeVisible();
    await expect(critical).toContainText('critical');

    const results = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
    const failures = results.violations.flatMap((v) =>
      v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? v.help}`),
    );
    expect(failures, `contrast failures in the ${theme} theme`).toEqual([]);
    // The check did look at the page's text.
    expect(results.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0).toBeGreaterThan(10);
  });
}
