import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { E2E_USERS } from './users';

// The older forest, re-versioned: a second package to upload and activate.
const SHIPPED = path.resolve('models/reactor-yield/1.0.0');
const onnx = readFileSync(path.join(SHIPPED, 'model.onnx'));
const shippedTwin = JSON.parse(readFileSync(path.join(SHIPPED, 'twin.json'), 'utf8')) as Record<string, unknown>;
const twin = (changes: Record<string, unknown>) => ({
  name: 'twin.json',
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify({ ...shippedTwin, ...changes })),
});
const model = { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: onnx };

test('a bad upload is refused with its reasons; a new version activated from the admin page shows on an open dashboard at once', async ({
  page,
  context,
  loginAs,
}) => {
  test.setTimeout(60_000);
  await loginAs(E2E_USERS.admin);
  // An operator's view: the live dashboard, left open throughout.
  await expect(page.getByTestId('card-model')).toContainText('v2.0.0');

  const admin = await context.newPage();
  await admin.goto('/admin/models');
  await expect(admin.getByTestId('serving-model')).toContainText('v2.0.0');
  await expect(admin.getByTestId('model-row-reactor-yield-2.0.0')).toContainText('serving');

  // A package whose twin.json names an output the ONNX graph does not have.
  await admin.getByLabel('model.onnx').setInputFiles(model);
  await admin
    .getByLabel('twin.json')
    .setInputFiles(
      twin({ version: '9.9.9', onnx: { file: 'model.onnx', input: 'input', output: 'nope', members: 100 } }),
    );
  await admin.getByRole('button', { name: 'Upload' }).click();
  await expect(admin.getByTestId('upload-error')).toContainText('cannot be served');
  await expect(admin.getByTestId('upload-error')).toContainText('twin.json onnx.output');
  await expect(admin.getByTestId('upload-error')).toContainText('has no output "nope"');
  await expect(admin.getByTestId('model-row-reactor-yield-9.9.9')).toHaveCount(0);
  // The old version keeps serving.
  const still = await admin.request.post('/api/v1/twin/predict', {
    data: { temperature: 360, pressure: 6, flow: 100 },
  });
  expect(still.status()).toBe(200);
  expect(((await still.json()) as { model: { version: string } }).model.version).toBe('2.0.0');

  // A second valid package: the shipped model under a new version.
  await admin.getByLabel('model.onnx').setInputFiles(model);
  await admin.getByLabel('twin.json').setInputFiles(twin({ version: '2.1.0' }));
  await admin.getByRole('button', { name: 'Upload' }).click();
  await expect(admin.getByTestId('models-notice')).toContainText('Uploaded reactor-yield 2.1.0');
  await expect(admin.getByTestId('model-row-reactor-yield-2.1.0')).toContainText('uploaded');

  await admin.getByRole('button', { name: 'Activate reactor-yield 2.1.0' }).click();
  await expect(admin.getByTestId('serving-model')).toContainText('v2.1.0');
  // The dashboard, never reloaded, follows.
  await expect(page.getByTestId('card-model')).toContainText('v2.1.0', { timeout: 3_000 });
  // Its band (a copy of the older forest's) is the trees' spread, and the open dashboard says so.
  await expect(page.getByTestId('band-label')).toContainText('spread of trees', { timeout: 5_000 });
  const now = await admin.request.post('/api/v1/twin/predict', { data: { temperature: 360, pressure: 6, flow: 100 } });
  expect(((await now.json()) as { model: { version: string } }).model.version).toBe('2.1.0');

  // Roll back.
  await admin.getByRole('button', { name: 'Activate reactor-yield 2.0.0' }).click();
  await expect(page.getByTestId('card-model')).toContainText('v2.0.0', { timeout: 3_000 });
  await expect(page.getByTestId('band-label')).toHaveText('90 % prediction interval', { timeout: 5_000 });
  await expect(admin.getByTestId('model-row-reactor-yield-2.0.0')).toContainText('serving');
});

test('an A/B test shows both versions side by side and can be stopped', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.admin);
  await page.goto('/admin/models');
  await page.getByRole('combobox', { name: /Challenger/ }).selectOption('reactor-yield/2.1.0');
  await page.getByLabel('Share to challenger (%)').fill('30');
  await page.getByRole('button', { name: 'Start A/B test' }).click();
  await expect(page.getByTestId('ab-state')).toContainText(
    '30 % of predictions go to the challenger reactor-yield v2.1.0',
  );
  const table = page.getByTestId('ab-table');
  await expect(table).toContainText('v2.0.0');
  await expect(table).toContainText('v2.1.0');
  // The simulator's points carry their true value: both versions get an error figure.
  await expect(table.getByRole('row', { name: /MAE vs actual/ })).toContainText('n=', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Stop test' }).click();
  await expect(page.getByTestId('ab-state')).toHaveCount(0);
  await expect(page.getByTestId('models-notice')).toContainText('A/B test stopped');
});

test('viewers cannot open the models page', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await page.goto('/admin/models');
  await expect(page.locator('section[role=alert]')).toContainText('You need the admin role');
  await expect(page.getByTestId('serving-model')).toHaveCount(0);
});

test('a large upload reaches the loader whole; one over 50 MB is refused with 413', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.admin);
  const junk = (mb: number) => ({
    name: 'model.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(mb * 1024 * 1024, 7),
  });
  // 12 MB: past Next's default 10 MB proxy body limit, which would cut it short.
  const big = await page.request.post('/api/v1/models', {
    multipart: { model: junk(12), twin: twin({ version: '7.7.7' }) },
  });
  expect(big.status()).toBe(422);
  const body = (await big.json()) as { error: { fields: { field: string; message: string }[] } };
  expect(body.error.fields).toContainEqual({
    field: 'model.onnx',
    message: expect.stringContaining('onnxruntime cannot load it'),
  });
  const huge = await page.request.post('/api/v1/models', {
    multipart: { model: junk(51), twin: twin({ version: '7.7.8' }) },
  });
  expect(huge.status()).toBe(413);
});
