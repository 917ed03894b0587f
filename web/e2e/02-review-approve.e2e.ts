import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from './support/browser';
import { api, PASSWORD, staffToken } from './support/api';
import { eventually } from './support/eventually';
import { sendMoney, signIn, waitForTransferStatus } from './support/pages';

describe('journey 2: transfer above $50,000 → AWAITING_REVIEW → support approves → customer sees COMPLETED live; another one is cancelled by the customer while in review; support reverses the first', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('is approved in the console and completes live', { timeout: 300_000 }, async () => {
    const ops = await staffToken('ops');
    const support = await staffToken('support');
    const sender = await api.register('bigsender');
    await api.passKyc(sender.token, 'Mara Big Sender');
    const from = await api.openAccount(sender.token);
    await api.deposit(ops.token, from.id, 140_000_00);
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
    await screenshot(customer, 'journey-2-completed');

    // Cancel while it is allowed: a second large transfer waits in review, the customer cancels
    // it from the live timeline (with a confirmation), and the page shows CANCELLED.
    await sendMoney(customer, { toAccountId: to.id, amount: '60,000.00', memo: 'Second thoughts' });
    await customer.waitForURL(
      (u) => u.pathname.startsWith('/transfers/') && !u.pathname.endsWith(transferId),
    );
    await waitForTransferStatus(customer, 'AWAITING_REVIEW');
    await customer.getByRole('button', { name: 'Cancel transfer' }).click();
    await customer.getByRole('dialog').getByRole('button', { name: 'Cancel transfer' }).click();
    await waitForTransferStatus(customer, 'CANCELLED', 30_000);
    expect(await customer.getByRole('button', { name: 'Cancel transfer' }).count()).toBe(0);
    const after = await api.account(sender.token, from.id);
    expect(after.balances.available).toBe(140_000_00 - 55_000_00);
    await screenshot(customer, 'journey-2-end');

    // Support finds the completed transfer by id and reverses it: the money goes back.
    await staff.getByLabel('Transfer id').fill(transferId);
    await staff.getByRole('button', { name: 'Find' }).click();
    const found = staff.locator(`[data-testid="queue-item"][data-transfer-id="${transferId}"]`);
    await found.waitFor({ timeout: 30_000 });
    await found.getByRole('button', { name: 'Reverse', exact: true }).click();
    await staff.getByLabel('Reason').fill('Paid to the wrong payee');
    await staff.getByRole('button', { name: 'Reverse transfer' }).click();
    await found
      .getByRole('button', { name: 'Reverse', exact: true })
      .waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(staff, 'journey-2-reversed');
    // The reverse call may answer 202 (the reversal workflow still running) on a busy machine.
    await eventually(async () => {
      expect((await api.account(sender.token, from.id)).balances.available).toBe(140_000_00);
      expect((await api.account(receiver.token, to.id)).balances.available).toBe(0);
    }, 60_000);
  });
});
