import { isDomainError } from '../../domain/errors';
import { createLedgerService } from './ledger.service';
import {
  createFundedAccount,
  expectLedgerBalanced,
  ledgerFixture,
  uniqueId,
} from '../../test/ledger';

// Contended row locks are serialised by design; give a loaded machine room.
jest.setTimeout(180_000);

const fx = ledgerFixture({ max: 20 });
const { ledger, db } = fx;

afterAll(() => fx.close());

const codeOf = (err: unknown) => (isDomainError(err) ? err.code : `unexpected: ${String(err)}`);

describe('ledger under concurrency', () => {
  it('hundreds of parallel holds on one account never overdraw it: 300 holds of 1 against 100', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const sinks = await Promise.all([1, 2, 3].map(() => createFundedAccount(ledger)));
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) =>
        ledger.holdFunds({
          id: uniqueId('ltr', `par${i}_`),
          debitAccountId: a,
          creditAccountId: sinks[i % 3]!,
          amount: 1n,
          currency: 'USD',
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(100);
    expect(new Set(failed.map((r) => codeOf(r.reason)))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    expect(await ledger.getBalances(a)).toMatchObject({
      posted: 100n,
      pending: -100n,
      available: 0n,
    });
    await expectLedgerBalanced(db);
  });

  it('parallel single transfers in both directions between two accounts neither deadlock nor overdraw', async () => {
    const a = await createFundedAccount(ledger, { balance: 50n });
    const b = await createFundedAccount(ledger, { balance: 50n });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        ledger.createTransfer({
          id: uniqueId('ltr', `bi${i}_`),
          kind: 'single',
          debitAccountId: i % 2 ? a : b,
          creditAccountId: i % 2 ? b : a,
          amount: BigInt(1 + (i % 7)),
          currency: 'USD',
        }),
      ),
    );
    for (const r of results)
      if (r.status === 'rejected') expect(codeOf(r.reason)).toBe('INSUFFICIENT_FUNDS');
    const [ba, bb] = [await ledger.getBalances(a), await ledger.getBalances(b)];
    expect(ba.posted + bb.posted).toBe(100n);
    expect(ba.available).toBeGreaterThanOrEqual(0n);
    expect(bb.available).toBeGreaterThanOrEqual(0n);
    await expectLedgerBalanced(db);
  });

  it('racing posts and voids of one hold: exactly one resolves it', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger);
    const hold = await ledger.holdFunds({
      id: uniqueId('ltr', 'h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 60n,
      currency: 'USD',
    });
    const attempts = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? ledger.postPending({ id: uniqueId('ltr', `p${i}_`), pendingId: hold.transfer.id })
        : ledger.voidPending({ id: uniqueId('ltr', `v${i}_`), pendingId: hold.transfer.id }),
    );
    const results = await Promise.allSettled(attempts);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect(codeOf(r.reason)).toBe('PENDING_TRANSFER_ALREADY_RESOLVED');
    const bal = await ledger.getBalances(a);
    expect(bal.pending).toBe(0n);
    expect([40n, 100n]).toContain(bal.posted);
    await expectLedgerBalanced(db);
  });

  it('the same transfer id submitted 50 times at once moves money once; the rest are replays', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger);
    const id = uniqueId('ltr', 'same');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        ledger.createTransfer({
          id,
          kind: 'single',
          debitAccountId: a,
          creditAccountId: b,
          amount: 70n,
          currency: 'USD',
        }),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await ledger.getBalances(a)).posted).toBe(30n);
    await expectLedgerBalanced(db);
  });

  it('batched single transfers: each gets its own outcome, and a refusal never undoes the others', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger);
    const frozen = await createFundedAccount(ledger, { balance: 5n });
    await ledger.setAccountStatus(frozen, 'FROZEN');
    const taken = uniqueId('ltr', 'taken');
    await ledger.createTransfer({
      id: taken,
      kind: 'single',
      debitAccountId: a,
      creditAccountId: b,
      amount: 1n,
      currency: 'USD',
    });
    const single = (id: string, debit: string, amount = 1n) =>
      ledger.createTransfer({
        id,
        kind: 'single',
        debitAccountId: debit,
        creditAccountId: b,
        amount,
        currency: 'USD',
      });
    // One burst: 150 transfers of 1 against the 99 left, a frozen source, a reused id with another
    // amount, and the same new id from a second service instance (its own batches) racing ours.
    const other = createLedgerService(db);
    const shared = uniqueId('ltr', 'shared');
    const results = await Promise.allSettled([
      ...Array.from({ length: 150 }, (_, i) => single(uniqueId('ltr', `b${i}_`), a)),
      single(uniqueId('ltr', 'frozen'), frozen),
      single(taken, a, 2n),
      other.createTransfer({
        id: shared,
        kind: 'single',
        debitAccountId: b,
        creditAccountId: a,
        amount: 1n,
        currency: 'USD',
      }),
      ledger.createTransfer({
        id: shared,
        kind: 'single',
        debitAccountId: b,
        creditAccountId: a,
        amount: 1n,
        currency: 'USD',
      }),
    ]);
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : codeOf(r.reason)));
    const burst = codes.slice(0, 150);
    // The shared transfer credits `a` by 1, possibly before some of the burst: 99 or 100 fit.
    expect(burst.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(99);
    expect(burst.filter((c) => c === 'ok').length).toBeLessThanOrEqual(100);
    expect(new Set(burst.filter((c) => c !== 'ok'))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    expect(codes.slice(150, 152)).toEqual([
      'ACCOUNT_FROZEN',
      'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
    ]);
    const sharedResults = results.slice(152).map((r) => (r.status === 'fulfilled' ? r.value : r));
    expect(sharedResults.map((r) => ('replayed' in r ? r.replayed : r)).sort()).toEqual([
      false,
      true,
    ]);
    const okCount = burst.filter((c) => c === 'ok').length;
    expect((await ledger.getBalances(a)).posted).toBe(100n - 1n - BigInt(okCount) + 1n);
    expect((await ledger.getBalances(a)).posted).toBeGreaterThanOrEqual(0n);
    expect((await ledger.getBalances(frozen)).posted).toBe(5n);
    await expectLedgerBalanced(db);
  });
});
