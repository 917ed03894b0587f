import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from './support/browser';
import { api, PASSWORD, staffToken } from './support/api';
import { sendMoney, signIn, waitForTransferStatus } from './support/pages';

describe('journey 2: transfer above $50,000 → AWAITING_REVIEW → support approves → customer sees COMPLETED live', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('is approved in the console and completes live', async () => {
    const ops = await staffToken('ops');
    const support = await staffToken('support');
    const sender = await api.register('bigsender');
    await api.passKyc(sender.token, 'Mara Big Sender');
    const from = await api.openAccount(sender.token);
    await api.deposit(ops.token, from.id, 80_000_00);
    const receiver = await api.register('bigreceiver');
    await api.passKyc(receiver.token, 'Tomas Big Receiver');
    const to = await api.openAccount(receiver.token);

    const customer = b.page;
    await signIn(customer, sender.email, PASSWORD);
    await customer.waitForURL((u) => u.pathname === '/');
    await sendMoney(customer, { toAccountId: to.id, amount: '55,000.00', memo: 'House deposit' });
    await customer.waitForURL('**/transfers/*');
    const transferId = customer.url().split('/transfers/')[1]!;
    await waitForTransferStatus(customer, 'AWAITING_REVIEW');

    const staff = await b.newPage();
    await signIn(staff, support.email, support.password, '/sign-in?returnTo=%2Fsupport');
    await staff.waitForURL('**/support');
    const item = staff.locator(`[data-testid="queue-item"][data-transfer-id="${transferId}"]`);
    await item.waitFor({ timeout: 30_000 });
    await screenshot(staff, 'journey-2-support-queue');
    await item.getByRole('button', { name: 'Approve' }).click();
    await staff.getByLabel('Reason').fill('Verified with the customer by phone');
    await staff.getByRole('button', { name: 'Approve transfer' }).click();
    await item.waitFor({ state: 'detached', timeout: 30_000 });

    // No reload: the customer's page moves to COMPLETED over SSE.
    await waitForTransferStatus(customer, 'COMPLETED', 60_000);
    expect(await customer.getByTestId('transfer-status').textContent()).toContain('Done');
    await screenshot(customer, 'journey-2-end');
  });
});
