import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from './support/browser';
import { api, PASSWORD, staffToken } from './support/api';
import { go, sendMoney, signIn } from './support/pages';

describe('journey 3: insufficient funds', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('explains it plainly and moves nothing', async () => {
    const ops = await staffToken('ops');
    const sender = await api.register('poor');
    await api.passKyc(sender.token, 'Nico Short Funds');
    const from = await api.openAccount(sender.token);
    await api.deposit(ops.token, from.id, 10_00);
    const receiver = await api.register('poorrecv');
    await api.passKyc(receiver.token, 'Ines Receiving End');
    const to = await api.openAccount(receiver.token);

    const page = b.page;
    await signIn(page, sender.email, PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await sendMoney(page, { toAccountId: to.id, amount: '25.00' });
    const error = page.getByTestId('transfer-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(
      "There isn't enough available money in this account",
    );
    expect(await error.textContent()).toContain('Nothing was moved');
    await screenshot(page, 'journey-3-end');

    const after = await api.account(sender.token, from.id);
    expect(after.balances).toMatchObject({ posted: 10_00, available: 10_00 });
    const recv = await api.account(receiver.token, to.id);
    expect(recv.balances.posted).toBe(0);
    const list = await api.transfers(sender.token);
    expect(list.items.filter((t) => t.status === 'COMPLETED')).toHaveLength(0);

    await go(page, '/');
    expect(await page.getByTestId('available-balance').first().textContent()).toBe('$10.00');

    // The session survives a reload, and reaches a new tab, through the HttpOnly refresh cookie,
    // which no script can read and which no storage holds.
    const cookies = await b.context.cookies();
    const refresh = cookies.find((c) => c.name === 'hb_refresh');
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('hb_refresh');
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toContain(refresh!.value);
    await page.reload();
    await page.getByTestId('available-balance').first().waitFor();
    const tab = await b.newPage();
    await tab.goto('/');
    await tab.getByTestId('available-balance').first().waitFor();
    await tab.close();
  });
});
