import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from './support/browser';
import { api, PASSWORD, staffToken } from './support/api';
import { eventually } from './support/eventually';
import { signIn } from './support/pages';

describe('journey 4: monthly scheduled payment, then pause', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('creates and pauses it', async () => {
    const ops = await staffToken('ops');
    const payer = await api.register('payer');
    await api.passKyc(payer.token, 'Rosa Monthly Payer');
    const from = await api.openAccount(payer.token);
    await api.deposit(ops.token, from.id, 500_00);
    const payee = await api.register('payee');
    await api.passKyc(payee.token, 'Gus Landlord Payee');
    const to = await api.openAccount(payee.token);

    const page = b.page;
    await signIn(page, payer.email, PASSWORD, '/sign-in?returnTo=%2Fscheduled%2Fnew');
    await page.waitForURL('**/scheduled/new');
    await page.getByLabel('Pay to (account number)').fill(to.id);
    await page.getByLabel('Amount').fill('120.00');
    await page.getByLabel('Note').fill('Rent share');
    await page.getByLabel('How often').selectOption('MONTHLY');
    await page.getByRole('button', { name: 'Create scheduled payment' }).click();
    await page.waitForURL((u) => u.pathname === '/scheduled');
    const row = page.getByRole('row', { name: /\$120\.00/ });
    await row.waitFor();
    expect(await row.getByTestId('schedule-status').textContent()).toBe('Active');
    await row.getByRole('button', { name: /^Pause scheduled payment/ }).click();
    await row.getByRole('button', { name: /^Resume scheduled payment/ }).waitFor();
    expect(await row.getByTestId('schedule-status').textContent()).toBe('Paused');
    await screenshot(page, 'journey-4-end');

    // The list items carry no memo (only GET /scheduled-payments/:id does), and the read model is
    // updated by the schedule's workflow just after the pause signal: wait for it to agree.
    type Item = { id: string; toAccountId: string; amount: number; status: string };
    const paused = await eventually(async () => {
      const list = await api.call<{ items: Item[] }>('GET', '/scheduled-payments', {
        token: payer.token,
      });
      const item = list.items.find((s) => s.toAccountId === to.id && s.amount === 120_00);
      expect(item?.status).toBe('PAUSED');
      return item!;
    }, 20_000);
    const detail = await api.call<{ memo: string | null; status: string }>(
      'GET',
      `/scheduled-payments/${paused.id}`,
      { token: payer.token },
    );
    expect(detail).toMatchObject({ memo: 'Rent share', status: 'PAUSED' });

    // After a reload (fresh data from the API only), the schedule still shows as paused.
    await page.reload();
    const again = page.getByRole('row', { name: /\$120\.00/ });
    await again.getByRole('button', { name: /^Resume scheduled payment/ }).waitFor();
    expect(await again.getByTestId('schedule-status').textContent()).toBe('Paused');
  });
});
