import { DomainError } from '../../domain/errors';
import type { CreateTransferInput } from './ledger.service';
import { systemAccountIds } from '../../domain/ids';
import {
  createFundedAccount,
  expectLedgerBalanced,
  ledgerFixture,
  uniqueId,
} from '../../test/ledger';

const fx = ledgerFixture();
const { ledger, db } = fx;

afterAll(() => fx.close());
afterEach(async () => {
  await expectLedgerBalanced(db);
});

/** Awaits a promise that must fail with a DomainError of `code`; returns its details. */
async function expectCode(
  promise: Promise<unknown>,
  code: string,
): Promise<Record<string, unknown>> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  return (err as DomainError).details;
}

const tid = (label: string) => uniqueId('ltr', label);

describe('accounts', () => {
  it('creates an account idempotently by id and refuses a different definition', async () => {
    const id = uniqueId('acc');
    const first = await ledger.createAccount({
      id,
      currency: 'EUR',
      kind: 'customer',
      type: 'SAVINGS',
    });
    expect(first.created).toBe(true);
    expect(first.account).toMatchObject({ currency: 'EUR', kind: 'customer', status: 'ACTIVE' });
    expect(first.account.debitsMustNotExceedCredits).toBe(true);
    const again = await ledger.createAccount({
      id,
      currency: 'EUR',
      kind: 'customer',
      type: 'SAVINGS',
    });
    expect(again.created).toBe(false);
    const details = await expectCode(
      ledger.createAccount({ id, currency: 'USD', kind: 'customer', type: 'SAVINGS' }),
      'ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS',
    );
    expect(details.field).toBe('currency');
  });

  it('creates one settlement account per currency, limited so credits never exceed debits', async () => {
    await ledger.ensureSystemAccounts();
    await ledger.ensureSystemAccounts();
    const settlement = await ledger.getAccount(systemAccountIds.settlement('GBP'));
    expect(settlement).toMatchObject({ kind: 'settlement', currency: 'GBP' });
    expect(settlement.debitsMustNotExceedCredits).toBe(false);
    expect(settlement.creditsMustNotExceedDebits).toBe(true);
  });

  it('reports ACCOUNT_NOT_FOUND', async () => {
    await expectCode(ledger.getAccount('acc_doesnotexist'), 'ACCOUNT_NOT_FOUND');
    const a = await createFundedAccount(ledger, { balance: 10n });
    const details = await expectCode(
      ledger.createTransfer({
        id: tid('nf'),
        kind: 'single',
        debitAccountId: a,
        creditAccountId: 'acc_doesnotexist',
        amount: 1n,
        currency: 'USD',
      }),
      'ACCOUNT_NOT_FOUND',
    );
    expect(details.accountId).toBe('acc_doesnotexist');
  });
});

describe('single-phase transfers', () => {
  it('moves money, and the same id with the same fields replays without moving it again', async () => {
    const a = await createFundedAccount(ledger, { balance: 1_000n });
    const b = await createFundedAccount(ledger);
    const input = {
      id: tid('s'),
      kind: 'single' as const,
      debitAccountId: a,
      creditAccountId: b,
      amount: 250n,
      currency: 'USD',
      reference: 'rent',
    };
    const first = await ledger.createTransfer(input);
    expect(first.replayed).toBe(false);
    const second = await ledger.createTransfer(input);
    expect(second.replayed).toBe(true);
    expect(second.transfer).toEqual(first.transfer);
    expect((await ledger.getBalances(a)).posted).toBe(750n);
    expect((await ledger.getBalances(b)).posted).toBe(250n);
  });

  it('names the first differing field when an id is reused with different fields', async () => {
    const a = await createFundedAccount(ledger, { balance: 1_000n });
    const b = await createFundedAccount(ledger);
    const c = await createFundedAccount(ledger);
    const base = {
      id: tid('c'),
      kind: 'single' as const,
      debitAccountId: a,
      creditAccountId: b,
      amount: 10n,
      currency: 'USD',
    };
    await ledger.createTransfer(base);
    const cases: [Partial<CreateTransferInput>, string][] = [
      [{ amount: 11n }, 'amount'],
      [{ creditAccountId: c }, 'creditAccountId'],
      [{ creditAccountId: c, amount: 11n }, 'creditAccountId'],
      [{ kind: 'pending' }, 'kind'],
      [{ reference: 'other' }, 'reference'],
      [{ currency: 'EUR' }, 'currency'],
    ];
    for (const [change, field] of cases) {
      const details = await expectCode(
        ledger.createTransfer({ ...base, ...change }),
        'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
      );
      expect(details.field).toBe(field);
    }
    expect((await ledger.getBalances(a)).posted).toBe(990n);
  });

  it('refuses insufficient funds, the same account, and mixed currencies', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger);
    const eur = await createFundedAccount(ledger, { currency: 'EUR', balance: 100n });
    const t = { kind: 'single' as const, currency: 'USD' };
    await expectCode(
      ledger.createTransfer({
        ...t,
        id: tid('i'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 101n,
      }),
      'INSUFFICIENT_FUNDS',
    );
    await expectCode(
      ledger.createTransfer({
        ...t,
        id: tid('i'),
        debitAccountId: a,
        creditAccountId: a,
        amount: 1n,
      }),
      'SAME_ACCOUNT',
    );
    await expectCode(
      ledger.createTransfer({
        ...t,
        id: tid('i'),
        debitAccountId: a,
        creditAccountId: eur,
        amount: 1n,
      }),
      'CURRENCY_MISMATCH',
    );
    await expectCode(
      ledger.createTransfer({
        ...t,
        id: tid('i'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 1n,
        currency: 'EUR',
      }),
      'CURRENCY_MISMATCH',
    );
    await expectCode(
      ledger.createTransfer({
        ...t,
        id: tid('i'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 0n,
      }),
      'INVALID_AMOUNT',
    );
    // A failed transfer is not recorded: the same id succeeds once it is affordable.
    const id = tid('retry');
    await expectCode(
      ledger.createTransfer({ ...t, id, debitAccountId: a, creditAccountId: b, amount: 150n }),
      'INSUFFICIENT_FUNDS',
    );
    await ledger.deposit({ id: tid('top'), accountId: a, amount: 50n, currency: 'USD' });
    expect(
      (
        await ledger.createTransfer({
          ...t,
          id,
          debitAccountId: a,
          creditAccountId: b,
          amount: 150n,
        })
      ).replayed,
    ).toBe(false);
    expect((await ledger.getBalances(a)).available).toBe(0n);
  });

  it('lets an account with an overdraft limit go negative down to the limit, and no further', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n, overdraftLimit: 50n });
    const b = await createFundedAccount(ledger);
    const t = { kind: 'single' as const, currency: 'USD', debitAccountId: a, creditAccountId: b };
    await ledger.createTransfer({ ...t, id: tid('o'), amount: 120n });
    expect(await ledger.getBalances(a)).toMatchObject({ posted: -20n, available: 30n });
    await expectCode(ledger.holdFunds({ ...t, id: tid('o'), amount: 31n }), 'INSUFFICIENT_FUNDS');
    await ledger.holdFunds({ ...t, id: tid('o'), amount: 30n });
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: -20n,
      pending: -30n,
      available: 0n,
    });
    await expectCode(
      ledger.createTransfer({ ...t, id: tid('o'), amount: 1n }),
      'INSUFFICIENT_FUNDS',
    );
  });
});

describe('account status', () => {
  it('refuses debits from a frozen account but accepts credits to it; unfreezing restores debits', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger, { balance: 100n });
    const t = { kind: 'single' as const, currency: 'USD' };
    const hold = await ledger.holdFunds({
      id: tid('fh'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 10n,
      currency: 'USD',
    });
    await ledger.setAccountStatus(a, 'FROZEN');
    await expectCode(
      ledger.createTransfer({
        ...t,
        id: tid('f'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 1n,
      }),
      'ACCOUNT_FROZEN',
    );
    await expectCode(
      ledger.holdFunds({
        id: tid('f'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 1n,
        currency: 'USD',
      }),
      'ACCOUNT_FROZEN',
    );
    await expectCode(
      ledger.postPending({ id: tid('fp'), pendingId: hold.transfer.id }),
      'ACCOUNT_FROZEN',
    );
    await ledger.createTransfer({
      ...t,
      id: tid('f'),
      debitAccountId: b,
      creditAccountId: a,
      amount: 5n,
    });
    // Releasing a hold is always allowed.
    await ledger.voidPending({ id: tid('fv'), pendingId: hold.transfer.id });
    expect((await ledger.getBalances(a)).available).toBe(105n);
    await ledger.setAccountStatus(a, 'ACTIVE');
    await ledger.createTransfer({
      ...t,
      id: tid('f'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 105n,
    });
  });

  it('closes only an empty account without holds, and a closed account takes no transfers', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger);
    await expectCode(ledger.setAccountStatus(a, 'CLOSED'), 'ACCOUNT_NOT_EMPTY');
    const hold = await ledger.holdFunds({
      id: tid('ch'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 100n,
      currency: 'USD',
    });
    await ledger.postPending({ id: tid('cp'), pendingId: hold.transfer.id, amount: 60n });
    await ledger.createTransfer({
      id: tid('c'),
      kind: 'single',
      debitAccountId: b,
      creditAccountId: a,
      amount: 60n,
      currency: 'USD',
    });
    // b: received 60 then sent 60 → zero, no holds.
    const closed = await ledger.setAccountStatus(b, 'CLOSED');
    expect(closed.status).toBe('CLOSED');
    await expectCode(
      ledger.createTransfer({
        id: tid('c'),
        kind: 'single',
        debitAccountId: a,
        creditAccountId: b,
        amount: 1n,
        currency: 'USD',
      }),
      'ACCOUNT_CLOSED',
    );
    await expectCode(ledger.setAccountStatus(b, 'ACTIVE'), 'ACCOUNT_CLOSED');
  });
});

describe('two-phase holds', () => {
  async function pair(balance = 1_000n) {
    const a = await createFundedAccount(ledger, { balance });
    const b = await createFundedAccount(ledger);
    return { a, b };
  }

  it('a hold reserves funds; a full post moves them; the hold resolves at most once', async () => {
    const { a, b } = await pair();
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 400n,
      currency: 'USD',
    });
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: 1_000n,
      pending: -400n,
      available: 600n,
    });
    expect(await ledger.getBalances(b)).toMatchObject({ posted: 0n, pending: 400n, available: 0n });
    const postId = tid('p');
    const post = await ledger.postPending({ id: postId, pendingId: hold.transfer.id });
    expect(post.transfer.amount).toBe(400n);
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: 600n,
      pending: 0n,
      available: 600n,
    });
    expect(await ledger.getBalances(b)).toMatchObject({
      posted: 400n,
      pending: 0n,
      available: 400n,
    });
    // Replays of the post (with or without the explicit amount) are no-ops.
    expect((await ledger.postPending({ id: postId, pendingId: hold.transfer.id })).replayed).toBe(
      true,
    );
    expect(
      (await ledger.postPending({ id: postId, pendingId: hold.transfer.id, amount: 400n }))
        .replayed,
    ).toBe(true);
    const conflict = await expectCode(
      ledger.postPending({ id: postId, pendingId: hold.transfer.id, amount: 300n }),
      'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
    );
    expect(conflict.field).toBe('amount');
    // A second resolution under another id is refused.
    const details = await expectCode(
      ledger.postPending({ id: tid('p2'), pendingId: hold.transfer.id }),
      'PENDING_TRANSFER_ALREADY_RESOLVED',
    );
    expect(details.resolvedBy).toBe(postId);
    await expectCode(
      ledger.voidPending({ id: tid('v'), pendingId: hold.transfer.id }),
      'PENDING_TRANSFER_ALREADY_RESOLVED',
    );
    expect((await ledger.getBalances(a)).posted).toBe(600n);
  });

  it('a partial post moves part and releases the rest', async () => {
    const { a, b } = await pair();
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 400n,
      currency: 'USD',
    });
    await expectCode(
      ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id, amount: 401n }),
      'EXCEEDS_PENDING_AMOUNT',
    );
    await ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id, amount: 150n });
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: 850n,
      pending: 0n,
      available: 850n,
    });
    expect(await ledger.getBalances(b)).toMatchObject({ posted: 150n, pending: 0n });
  });

  it('a void releases the hold and then refuses a post', async () => {
    const { a, b } = await pair();
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 400n,
      currency: 'USD',
    });
    const voidId = tid('v');
    await ledger.voidPending({ id: voidId, pendingId: hold.transfer.id });
    expect((await ledger.voidPending({ id: voidId, pendingId: hold.transfer.id })).replayed).toBe(
      true,
    );
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: 1_000n,
      pending: 0n,
      available: 1_000n,
    });
    expect(await ledger.getBalances(b)).toMatchObject({ posted: 0n, pending: 0n });
    await expectCode(
      ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id }),
      'PENDING_TRANSFER_ALREADY_RESOLVED',
    );
  });

  it('a void that finds no hold bars its id: a late hold attempt is refused and reserves nothing', async () => {
    const { a, b } = await pair();
    const holdId = tid('late');
    const hold = (id: string) =>
      ledger.holdFunds({ id, debitAccountId: a, creditAccountId: b, amount: 5n, currency: 'USD' });
    await expectCode(
      ledger.voidPending({ id: tid('v'), pendingId: holdId }),
      'PENDING_TRANSFER_NOT_FOUND',
    );
    await expectCode(hold(holdId), 'HOLD_ALREADY_VOIDED');
    expect(await ledger.getBalances(a)).toMatchObject({ posted: 1_000n, debitsPending: 0n });
    // Other ids are untouched, and a hold placed first is voided as usual.
    const other = await hold(tid('other'));
    await ledger.voidPending({ id: tid('v'), pendingId: other.transfer.id });

    // Hold and void racing on the same id: either the hold is placed and then voided, or the
    // void bars it first; never an open hold.
    const races = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const id = tid(`race${i}_`);
        const [h, v] = await Promise.allSettled([
          hold(id),
          ledger.voidPending({ id: tid(`rv${i}_`), pendingId: id }),
        ]);
        return [h.status, v.status].join('/');
      }),
    );
    for (const r of races) expect(['fulfilled/fulfilled', 'rejected/rejected']).toContain(r);
    expect(await ledger.getBalances(a)).toMatchObject({ posted: 1_000n, debitsPending: 0n });
    await expectLedgerBalanced(db);
  });

  it('post/void of an unknown or non-pending transfer is PENDING_TRANSFER_NOT_FOUND', async () => {
    const { a, b } = await pair();
    await expectCode(
      ledger.postPending({ id: tid('p'), pendingId: 'ltr_nosuchhold' }),
      'PENDING_TRANSFER_NOT_FOUND',
    );
    const single = await ledger.createTransfer({
      id: tid('s'),
      kind: 'single',
      debitAccountId: a,
      creditAccountId: b,
      amount: 1n,
      currency: 'USD',
    });
    await expectCode(
      ledger.voidPending({ id: tid('v'), pendingId: single.transfer.id }),
      'PENDING_TRANSFER_NOT_FOUND',
    );
  });

  it('an expired hold cannot be posted, and its funds are released (lazily on the attempt)', async () => {
    const { a, b } = await pair();
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 400n,
      currency: 'USD',
      timeoutSeconds: 1,
    });
    expect(hold.transfer.timeoutAt).not.toBeNull();
    expect((await ledger.getBalances(a)).available).toBe(600n);
    await new Promise((r) => setTimeout(r, 1_300));
    await expectCode(
      ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id }),
      'PENDING_TRANSFER_EXPIRED',
    );
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: 1_000n,
      pending: 0n,
      available: 1_000n,
    });
    expect(await ledger.getBalances(b)).toMatchObject({ posted: 0n, pending: 0n });
    await expectCode(
      ledger.voidPending({ id: tid('v'), pendingId: hold.transfer.id }),
      'PENDING_TRANSFER_EXPIRED',
    );
  });

  it('the sweeper releases expired holds exactly once and leaves live ones alone', async () => {
    const { a, b } = await pair();
    const short = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 100n,
      currency: 'USD',
      timeoutSeconds: 1,
    });
    const long = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 200n,
      currency: 'USD',
      timeoutSeconds: 3600,
    });
    await new Promise((r) => setTimeout(r, 1_300));
    const [first, second] = await Promise.all([
      ledger.expirePendingTransfers(),
      ledger.expirePendingTransfers(),
    ]);
    const released = [...first, ...second];
    expect(released.filter((id) => id === short.transfer.id)).toHaveLength(1);
    expect(released).not.toContain(long.transfer.id);
    expect(await ledger.getBalances(a)).toMatchObject({ pending: -200n, available: 800n });
    await ledger.postPending({ id: tid('p'), pendingId: long.transfer.id });
    expect((await ledger.getBalances(b)).posted).toBe(200n);
  });

  it('a post may not name other accounts than the hold', async () => {
    const { a, b } = await pair();
    const c = await createFundedAccount(ledger);
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 5n,
      currency: 'USD',
    });
    const details = await expectCode(
      ledger.createTransfer({
        id: tid('p'),
        kind: 'post_pending',
        pendingId: hold.transfer.id,
        creditAccountId: c,
      }),
      'VALIDATION_FAILED',
    );
    expect(details.field).toBe('creditAccountId');
    await ledger.voidPending({ id: tid('v'), pendingId: hold.transfer.id });
  });

  it('a void releases the full amount only, names who resolved a hold, and a post into a frozen debit account is refused', async () => {
    const { a, b } = await pair();
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 50n,
      currency: 'USD',
    });
    const partialVoid = ledger.createTransfer({
      id: tid('v'),
      kind: 'void_pending',
      pendingId: hold.transfer.id,
      amount: 20n,
    });
    expect((await expectCode(partialVoid, 'VALIDATION_FAILED')).field).toBe('amount');
    const wrongCurrency = ledger.createTransfer({
      id: tid('p'),
      kind: 'post_pending',
      pendingId: hold.transfer.id,
      currency: 'EUR',
    });
    expect((await expectCode(wrongCurrency, 'VALIDATION_FAILED')).field).toBe('currency');

    await ledger.setAccountStatus(a, 'FROZEN');
    const frozen = await expectCode(
      ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id }),
      'ACCOUNT_FROZEN',
    );
    expect(frozen.accountId).toBe(a);
    // A void still releases a frozen account's hold; then the resolution is named.
    const voidId = tid('v');
    await ledger.voidPending({ id: voidId, pendingId: hold.transfer.id });
    const resolved = await expectCode(
      ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id }),
      'PENDING_TRANSFER_ALREADY_RESOLVED',
    );
    expect(resolved).toMatchObject({ resolvedBy: voidId, resolution: 'void_pending' });
    expect(await ledger.getBalances(a)).toMatchObject({ posted: 1_000n, pending: 0n });
    expect((await ledger.checkInvariant()).balanced).toBe(true);
  });
});

describe('entries', () => {
  it('pages an account statement newest first with a running balance after each posted change', async () => {
    const a = await createFundedAccount(ledger, { balance: 1_000n }); // entry 1: +1000
    const b = await createFundedAccount(ledger);
    const t = { kind: 'single' as const, currency: 'USD' };
    await ledger.createTransfer({
      ...t,
      id: tid('e'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 100n,
      reference: 'one',
    });
    await ledger.createTransfer({
      ...t,
      id: tid('e'),
      debitAccountId: b,
      creditAccountId: a,
      amount: 30n,
      reference: 'two',
    });
    const hold = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 200n,
      currency: 'USD',
      reference: 'held',
    });
    await ledger.postPending({ id: tid('p'), pendingId: hold.transfer.id, amount: 50n }); // reference from the hold
    const hold2 = await ledger.holdFunds({
      id: tid('h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 10n,
      currency: 'USD',
    });
    await ledger.voidPending({ id: tid('v'), pendingId: hold2.transfer.id }); // no entry
    for (let i = 0; i < 3; i++) {
      await ledger.createTransfer({
        ...t,
        id: tid('e'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 1n,
      });
    }

    const seen: {
      direction: string;
      amount: bigint;
      balanceAfter: bigint;
      reference: string | null;
    }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof ledger.listEntries>> = await ledger.listEntries(a, {
        limit: 2,
        cursor,
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen.map((e) => [e.direction, e.amount, e.balanceAfter])).toEqual([
      ['debit', 1n, 877n],
      ['debit', 1n, 878n],
      ['debit', 1n, 879n],
      ['debit', 50n, 880n],
      ['credit', 30n, 930n],
      ['debit', 100n, 900n],
      ['credit', 1_000n, 1_000n],
    ]);
    expect(seen[3]!.reference).toBe('held');
    expect(seen[4]!.reference).toBe('two');
    expect((await ledger.getBalances(a)).posted).toBe(877n);
    const bPage = await ledger.listEntries(b, { limit: 200 });
    expect(bPage.nextCursor).toBeNull();
    expect(bPage.items[0]!.balanceAfter).toBe((await ledger.getBalances(b)).posted);
    await expectCode(ledger.listEntries(a, { cursor: 'x' }), 'VALIDATION_FAILED');
  });
});
