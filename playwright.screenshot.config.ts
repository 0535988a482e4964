/**
 * `npm run screenshot`: the browser tests' set-up (playwright.config.ts: Debian's Chromium, the
 * real server on a throwaway database) running only e2e/dashboard.shot.ts, which writes
 * docs/dashboard.png for the README.
 */
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testMatch: 'dashboard.shot.ts',
  reporter: [['list']],
  use: { ...base.use, trace: 'off', screenshot: 'off' },
});
