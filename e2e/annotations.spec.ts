import type { Browser, Page } from '@playwright/test';
import { test, expect, logIn } from './fixtures';
import { E2E_USERS } from './users';

test.use({ timezoneId: 'UTC' });

/** A second, independent browser session (its own cookies) logged in as `user`. */
async function sessionOf(browser: Browser, user: (typeof E2E_USERS)[keyof typeof E2E_USERS]): Promise<Page> {
  const context = await browser.newContext({ timezoneId: 'UTC' });
  const page = await context.newPage();
  await logIn(page, user);
  await expect(page.getByTestId('current-user')).toContainText(user.name);
  return page;
}

/** The annotation shapes of a chart, by name (`annotation-<id>`). */
function noteShapes(page: Page, testId: string): Promise<{ name: string; type: string }[]> {
  return page
    .getByTestId(testId)
    .locator('.js-plotly-plot')
    .evaluate((el) => {
      const gd = el as unknown as { layout?: { shapes?: { name?: string; type?: string }[] } };
      return (gd.layout?.shapes ?? [])
        .filter((s) => s.name?.startsWith('annotation-'))
        .map((s) => ({ name: s.name!, type: s.type ?? '' }));
    });
}

test('an operator’s note on the dashboard shows live for a viewer, and on History; only the author edits it', async ({
  page,
  loginAs,
  browser,
}) => {
  const note = `catalyst change ${Date.now()}`;
  await loginAs(E2E_USERS.operator);
  const viewer = await sessionOf(browser, E2E_USERS.viewer);
  // The viewer's dashboard is open before the note exists, and cannot annotate.
  await expect(viewer.getByRole('heading', { name: 'Annotations' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Annotate' })).toHaveCount(0);

  await expect
    .poll(async () => Number(await page.getByTestId('prediction-chart').getAttribute('data-points')))
    .toBeGreaterThan(6);
  await page.getByRole('button', { name: 'Annotate' }).click();
  const time = page.getByLabel('Note time');
  const opened = await time.inputValue();
  // A click on the chart picks the time under the pointer (earlier than the newest point).
  // The form opened below the charts and the page scrolled to it: bring the chart back first.
  await page.getByTestId('prediction-chart').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('prediction-chart').locator('.nsewdrag').first().boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height / 2);
  await expect.poll(() => time.inputValue()).not.toBe(opened);
  expect((await time.inputValue()) < opened).toBe(true);
  await page.getByLabel('Note', { exact: true }).fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();

  const mine = page.getByRole('list', { name: 'Annotations in view' }).getByRole('listitem').filter({ hasText: note });
  await expect(mine).toContainText('olivia');
  const id = await mine.getAttribute('data-annotation-id');
  expect(id).toBeTruthy();
  await expect
    .poll(() => noteShapes(page, 'prediction-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'line' });
  await expect
    .poll(() => noteShapes(page, 'conditions-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'line' });

  // The viewer's open dashboard shows it without a reload.
  const theirs = viewer
    .getByRole('list', { name: 'Annotations in view' })
    .getByRole('listitem')
    .filter({ hasText: note });
  await expect(theirs).toContainText('olivia');
  await expect
    .poll(() => noteShapes(viewer, 'prediction-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'line' });

  // On History (last hour) too; no edit or delete for the viewer.
  await viewer.goto('/history');
  const onHistory = viewer
    .getByRole('list', { name: 'Annotations in view' })
    .getByRole('listitem')
    .filter({ hasText: note });
  await expect(onHistory).toContainText('olivia');
  await expect(onHistory.getByRole('button')).toHaveCount(0);
  await expect
    .poll(() => noteShapes(viewer, 'history-prediction-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'line' });
  const refused = await viewer.request.patch(`/api/v1/annotations/${id}`, { data: { note: 'viewer was here' } });
  expect(refused.status()).toBe(403);

  // The author edits it: the viewer's History follows live.
  await mine.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Note', { exact: true }).fill(`${note} (batch 7)`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: note })).toHaveCount(1);
  await expect(page.getByRole('listitem').filter({ hasText: `${note} (batch 7)` })).toBeVisible();
  await expect(viewer.getByRole('listitem').filter({ hasText: `${note} (batch 7)` })).toBeVisible();
  await viewer.context().close();
});

test('a range typed into the form is drawn as a shaded rectangle and the author deletes it', async ({
  page,
  loginAs,
}) => {
  await loginAs(E2E_USERS.operator);
  await expect
    .poll(async () => Number(await page.getByTestId('prediction-chart').getAttribute('data-points')))
    .toBeGreaterThan(6);
  await page.getByRole('button', { name: 'Annotate' }).click();
  const end = await page.getByLabel('Note time').inputValue();
  const start = new Date(Date.parse(`${end}Z`) - 2_000).toISOString().slice(0, 19);
  await page.getByLabel('Note time').fill(start);
  await page.getByLabel('Note until (optional)').fill(end);
  await page.getByLabel('Note', { exact: true }).fill('feed pump swap');
  await page.getByRole('button', { name: 'Add note' }).click();
  const item = page.getByRole('listitem').filter({ hasText: 'feed pump swap' });
  await expect(item).toBeVisible();
  const id = await item.getAttribute('data-annotation-id');
  await expect
    .poll(() => noteShapes(page, 'prediction-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'rect' });
  await item.getByRole('button', { name: 'Delete' }).click();
  await expect(item).toHaveCount(0);
  await expect
    .poll(async () => (await noteShapes(page, 'prediction-chart')).some((s) => s.name === `annotation-${id}`))
    .toBe(false);
});

/** The x range Plotly shows on a chart (null while autoranged). */
function xRange(page: Page, testId: string): Promise<unknown[] | null> {
  return page
    .getByTestId(testId)
    .locator('.js-plotly-plot')
    .evaluate((el) => {
      const xa = (el as unknown as { layout?: { xaxis?: { autorange?: boolean; range?: unknown[] } } }).layout?.xaxis;
      return xa && xa.autorange === false && xa.range ? xa.range : null;
    });
}

/** A horizontal mouse drag across `fromX`..`toX` (shares of the plot area's width), at mid-height. */
async function dragAcross(page: Page, testId: string, fromX: number, toX: number): Promise<void> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).locator('.nsewdrag').first().boundingBox())!;
  await page.mouse.move(box.x + box.width * fromX, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * toX, box.y + box.height * 0.55, { steps: 8 });
  await page.mouse.up();
}

test('a drag across the live chart marks a range: saved, it is a range on History for another user; zoom is one press away', async ({
  page,
  loginAs,
  browser,
}) => {
  // Two users, the dashboard and History.
  test.slow();
  const note = `reflux trial ${Date.now()}`;
  await loginAs(E2E_USERS.operator);
  await expect
    .poll(async () => Number(await page.getByTestId('prediction-chart').getAttribute('data-points')))
    .toBeGreaterThan(20);
  // On the live dashboard a drag marks a range by default; no form is open yet.
  const dragMode = page.getByRole('group', { name: 'Drag on charts' });
  await expect(dragMode.getByRole('button', { name: 'Mark range' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('form', { name: 'New annotation' })).toHaveCount(0);

  // A plain click marks a time: the form opens with that time and no end.
  const box = (await page.getByTestId('prediction-chart').locator('.nsewdrag').first().boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
  await expect(page.getByRole('form', { name: 'New annotation' })).toBeVisible();
  expect(await page.getByLabel('Note time').inputValue()).not.toBe('');
  await expect(page.getByLabel('Note until (optional)')).toHaveValue('');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('form', { name: 'New annotation' })).toHaveCount(0);

  // A drag from right to left over a third of the chart: the form opens with the range, in order.
  await dragAcross(page, 'prediction-chart', 0.7, 0.35);
  const from = page.getByLabel('Note from');
  const until = page.getByLabel('Note until (optional)');
  await expect(until).not.toHaveValue('');
  const [start, end] = [Date.parse(`${await from.inputValue()}Z`), Date.parse(`${await until.inputValue()}Z`)];
  expect(end).toBeGreaterThan(start);
  // A third of a window of at least a few seconds of points, well under the 5-minute window.
  expect(end - start).toBeGreaterThanOrEqual(1_000);
  expect(end - start).toBeLessThan(5 * 60_000);
  // While the form is open the range is drawn dashed on the chart; Plotly's own box is gone.
  await expect
    .poll(() =>
      page
        .getByTestId('prediction-chart')
        .locator('.js-plotly-plot')
        .evaluate(
          (el) =>
            ((el as unknown as { layout?: { shapes?: { name?: string; type?: string }[] } }).layout?.shapes ?? []).find(
              (s) => s.name === 'draft-annotation',
            )?.type,
        ),
    )
    .toBe('rect');
  await expect(page.getByTestId('prediction-chart').locator('.selectionlayer path')).toHaveCount(0);
  await page.getByLabel('Note', { exact: true }).fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  const mine = page.getByRole('list', { name: 'Annotations in view' }).getByRole('listitem').filter({ hasText: note });
  await expect(mine).toContainText('olivia');
  const id = await mine.getAttribute('data-annotation-id');
  // Stored with the dragged range (the form's whole seconds).
  const listed = await page.request.get(`/api/v1/annotations?assetId=reactor-1&from=${start - 1_000}`);
  const stored = ((await listed.json()) as { annotations: { id: string; start: number; end: number | null }[] })
    .annotations;
  expect(stored.find((a) => a.id === id)).toMatchObject({ start, end });
  await expect
    .poll(() => noteShapes(page, 'prediction-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'rect' });

  // Another user (a viewer) sees it as a range on History.
  const viewer = await sessionOf(browser, E2E_USERS.viewer);
  await viewer.goto('/history');
  await expect(
    viewer.getByRole('list', { name: 'Annotations in view' }).getByRole('listitem').filter({ hasText: note }),
  ).toContainText('olivia');
  await expect
    .poll(() => noteShapes(viewer, 'history-prediction-chart'))
    .toContainEqual({ name: `annotation-${id}`, type: 'rect' });
  // A viewer cannot annotate: no toggle, and a drag zooms.
  await expect(viewer.getByRole('group', { name: 'Drag on charts' })).toHaveCount(0);
  await viewer.context().close();

  // Zoom stays reachable: with "Zoom" pressed a drag zooms the chart and opens no form.
  await dragMode.getByRole('button', { name: 'Zoom' }).click();
  await expect(dragMode.getByRole('button', { name: 'Zoom' })).toHaveAttribute('aria-pressed', 'true');
  await dragAcross(page, 'prediction-chart', 0.3, 0.6);
  await expect.poll(() => xRange(page, 'prediction-chart')).not.toBeNull();
  await expect(page.getByRole('form', { name: 'New annotation' })).toHaveCount(0);
  // The choice is remembered in this browser: the dashboard opens in Zoom next time; History
  // keeps its own (Zoom by default) and remembers a switch to Mark range.
  await page.reload();
  await expect(dragMode.getByRole('button', { name: 'Zoom' })).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/history');
  await expect(dragMode.getByRole('button', { name: 'Zoom' })).toHaveAttribute('aria-pressed', 'true');
  await dragMode.getByRole('button', { name: 'Mark range' }).click();
  await page.reload();
  await expect(dragMode.getByRole('button', { name: 'Mark range' })).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/');
  await expect(dragMode.getByRole('button', { name: 'Zoom' })).toHaveAttribute('aria-pressed', 'true');
});
