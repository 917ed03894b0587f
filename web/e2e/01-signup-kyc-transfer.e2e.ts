import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from './support/browser';
import { api, pdfBytes, pngBytes, PASSWORD, staffToken } from './support/api';
import { eventually } from './support/eventually';
import { go, sendMoney, signIn, waitForTransferStatus } from './support/pages';

describe('journey 1: sign up → KYC auto-approved → open account → ops deposit → transfer → COMPLETED on both sides', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('runs end to end in the browser', async () => {
    const ops = await staffToken('ops');
    const receiver = await api.register('receiver');
    await api.passKyc(receiver.token, 'Bea Receiver Lind');
    const receiverAccount = await api.openAccount(receiver.token);

    const page = b.page;
    const email = `e2e-j1-${Date.now().toString(36)}@example.com`;
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill('Jules Okafor Vance');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/onboarding');

    // KYC form with two uploads (progress bar → "uploaded").
    await page.getByLabel('Full legal name').fill('Jules Okafor Vance');
    await page.getByLabel('Date of birth').fill('1987-09-03');
    await page.getByLabel('National id number').fill('987-65-4321');
    await page.getByLabel('Street address').fill('40 Wharf Street');
    await page.getByLabel('City').fill('Portland');
    await page.getByLabel('Postal code').fill('97201');
    await page
      .getByLabel('Identity document')
      .setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: pngBytes() });
    await page.getByText('✓ passport.png uploaded').waitFor();
    await page
      .getByLabel('Proof of address')
      .setInputFiles({ name: 'bill.pdf', mimeType: 'application/pdf', buffer: pdfBytes() });
    await page.getByText('✓ bill.pdf uploaded').waitFor();
    await page.getByRole('button', { name: 'Submit for verification' }).click();
    await page.waitForURL('**/onboarding/status');
    await page
      .locator('[data-testid="kyc-status"][data-status="APPROVED"]')
      .waitFor({ timeout: 60_000 });

    await page.getByRole('link', { name: 'Open an account' }).click();
    await page.waitForURL('**/onboarding/account');
    await page.getByRole('button', { name: 'Open account' }).click();
    await page.waitForURL((u) => u.pathname === '/');

    // Ops deposit through the API, then the dashboard shows it.
    const token = await api.login(email);
    const accountId = await eventually(async () => {
      const list = await api.call<{ items: { id: string; status: string }[] }>('GET', '/accounts', {
        token,
      });
      const a = list.items.find((x) => x.status === 'ACTIVE');
      if (!a) throw new Error('no active account yet');
      return a.id;
    }, 60_000);
    await api.deposit(ops.token, accountId, 250_00);
    await eventually(async () => {
      await go(page, '/history');
      await go(page, '/');
      expect(await page.getByTestId('available-balance').first().textContent()).toBe('$250.00');
    }, 45_000);

    await sendMoney(page, { toAccountId: receiverAccount.id, amount: '75.25', memo: 'Dinner' });
    await page.waitForURL('**/transfers/*');
    await waitForTransferStatus(page, 'COMPLETED');
    await screenshot(page, 'journey-1-transfer-completed');

    await eventually(async () => {
      await go(page, '/history');
      await go(page, '/');
      expect(await page.getByTestId('available-balance').first().textContent()).toBe('$174.75');
    }, 45_000);
    const receiverAfter = await api.account(receiver.token, receiverAccount.id);
    expect(receiverAfter.balances.available).toBe(75_25);

    // The receiver sees it too, in their own tab (tokens are per tab).
    const other = await b.newPage();
    await signIn(other, receiver.email, PASSWORD);
    await other.waitForURL((u) => u.pathname === '/');
    expect(await other.getByTestId('available-balance').first().textContent()).toBe('$75.25');
    await screenshot(other, 'journey-1-receiver-dashboard');
    await screenshot(page, 'journey-1-end');
  });
});
