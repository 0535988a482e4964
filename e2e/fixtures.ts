import { test as base, expect, type Page } from '@playwright/test';
import type { E2eUser } from './users';

/** Logs `user` in through the real form and waits for the console shell. */
export async function logIn(page: Page, user: Pick<E2eUser, 'username' | 'password'>, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export const test = base.extend<{ loginAs: (user: E2eUser) => Promise<void> }>({
  loginAs: async ({ page }, provide) => {
    await provide(async (user) => {
      await logIn(page, user);
      await expect(page.getByTestId('current-user')).toContainText(user.name);
    });
  },
});

export { expect };
