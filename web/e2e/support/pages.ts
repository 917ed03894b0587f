import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * Client-side navigation (like clicking a link): keeps the in-memory access token, so journeys do
 * not burn a token refresh per page (the API rate-limits auth routes per IP).
 */
export const go = async (page: Page, path: string) => {
  const loaded = await page
    .evaluate(() => Boolean(document.querySelector('#root > *')))
    .catch(() => false);
  if (!loaded) return void (await page.goto(path));
  await page.evaluate((p) => {
    window.history.pushState({}, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.waitForFunction((p) => `${location.pathname}${location.search}` === p, path);
};

/** Page objects: what a person does, in the words on the screen. */
export const signIn = async (page: Page, email: string, password: string, path = '/sign-in') => {
  await page.goto(path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/**
 * Fills the transfer form (to an account number, or an account id typed in the same field), then
 * reviews and sends. `beforeSend` can check the review step.
 */
export const sendMoney = async (
  page: Page,
  opts: {
    toAccountId?: string;
    toAccountNumber?: string;
    amount: string;
    fromAccountId?: string;
    memo?: string;
    beforeSend?: () => Promise<void>;
  },
) => {
  await go(page, '/transfer');
  if (opts.fromAccountId) await page.getByLabel('From').selectOption(opts.fromAccountId);
  const to = opts.toAccountNumber ?? opts.toAccountId;
  if (!to) throw new Error('sendMoney needs toAccountNumber or toAccountId');
  await page.getByLabel('Recipient account number').fill(to);
  await page.getByLabel('Amount').fill(opts.amount);
  if (opts.memo) await page.getByLabel('Note').fill(opts.memo);
  await page.getByRole('button', { name: 'Review transfer' }).click();
  await opts.beforeSend?.();
  await page.getByRole('button', { name: /^Send / }).click();
};

export const waitForTransferStatus = async (page: Page, status: string, timeout = 60_000) => {
  await page
    .locator(`[data-testid="transfer-status"][data-status="${status}"]`)
    .waitFor({ timeout });
};

export const availableOn = async (page: Page) => {
  await go(page, '/');
  const card = page.getByTestId('available-balance').first();
  await card.waitFor();
  return (await card.textContent())?.trim();
};

export function expectText(actual: string | null | undefined, expected: string) {
  expect(actual?.replace(/\s+/g, ' ').trim()).toBe(expected);
}
