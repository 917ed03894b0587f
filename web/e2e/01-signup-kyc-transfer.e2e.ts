import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from './support/browser';
import { api, pdfBytes, pngBytes, PASSWORD, staffToken } from './support/api';
import { eventually } from './support/eventually';
import { expectText, go, sendMoney, signIn, waitForTransferStatus } from './support/pages';

describe('journey 1: sign up → KYC auto-approved → open account → ops deposit → transfer by account number → COMPLETED on both sides → history filters and statement', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('runs end to end in the browser', { timeout: 300_000 }, async () => {
    const t0 = Date.now();
    const step = (what: string) =>
      console.log(`journey 1 +${Math.round((Date.now() - t0) / 1000)}s: ${what}`);
    const ops = await staffToken('ops');
    const receiver = await api.register('receiver');
    await api.passKyc(receiver.token, 'Bea Receiver Lind');
    const receiverAccount = await api.openAccount(receiver.token);

    const page = b.page;
    step('receiver ready');
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
    step('KYC submitted');
    await page
      .locator('[data-testid="kyc-status"][data-status="APPROVED"]')
      .waitFor({ timeout: 60_000 });

    await page.getByRole('link', { name: 'Open an account' }).click();
    await page.waitForURL('**/onboarding/account');
    await page.getByRole('button', { name: 'Open account' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    step('account opened');

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
    step('deposited');
    await eventually(async () => {
      await go(page, '/history');
      await go(page, '/');
      expect(await page.getByTestId('available-balance').first().textContent()).toBe('$250.00');
    }, 45_000);

    // To another customer by the account number they would read out, typed with spaces.
    const number: string = receiverAccount.number;
    expect(number).toMatch(/^\d{10}$/);
    const spaced = `${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8)}`;
    await sendMoney(page, {
      toAccountNumber: spaced,
      amount: '75.25',
      memo: 'Dinner',
      beforeSend: async () => {
        expectText(await page.getByTestId('review-amount').textContent(), '$75.25');
        const dest = await page.getByTestId('review-destination').textContent();
        expect(dest).toContain(`Account ${spaced}`);
        expect(dest).not.toContain('Bea'); // the other holder's name is never shown
      },
    });
    await page.waitForURL('**/transfers/*');
    await waitForTransferStatus(page, 'COMPLETED');
    step('transfer COMPLETED');
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
    step('receiver dashboard');

    // History, filtered on the server: the receiver finds the incoming transfer by a fragment of
    // the sender's name; the filters live in the URL.
    await go(other, '/history');
    await other.getByLabel('Counterparty').fill('okafor');
    await other.getByLabel('Min amount').fill('75');
    await other.getByRole('button', { name: 'Apply filters' }).click();
    await other.waitForURL((u) => u.search.includes('who=okafor') && u.search.includes('min=75'));
    const incoming = other.getByRole('row', { name: /From Account/ });
    await incoming.waitFor();
    expect(await incoming.textContent()).toContain('+$75.25');
    await other.getByLabel('Min amount').fill('75.26');
    await other.getByRole('button', { name: 'Apply filters' }).click();
    await other.getByText('No transfers match these filters').waitFor();
    step('receiver history filtered');

    // The sender filters by the receiver's account number and status, then downloads a statement.
    await go(page, `/history?who=${number.slice(-4)}&status=COMPLETED`);
    const outgoing = page.getByRole('row', { name: new RegExp(`To Account ${spaced}`) });
    await outgoing.waitFor();
    expect(await outgoing.textContent()).toContain('-$75.25');
    expect(await page.getByLabel('Counterparty').inputValue()).toBe(number.slice(-4));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toBe('date,transfer_id,reference,debit,credit,balance');
    expect(csv).toContain(',75.25,');
    await screenshot(page, 'journey-1-end');
  });
});
