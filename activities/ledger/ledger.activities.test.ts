import { ApplicationFailure } from '@temporalio/common';
import { ledgerIds } from '../../domain/ids';
import {
  createFundedAccount,
  expectLedgerBalanced,
  ledgerFixture,
  uniqueId,
} from '../../test/ledger';
import { createLedgerActivities } from './ledger.activities';

const fx = ledgerFixture();
const { ledger, db } = fx;
const activities = createLedgerActivities({ db });

afterAll(() => fx.close());
afterEach(async () => {
  await expectLedgerBalanced(db);
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('ledger activities', () => {
  it('hold → post with JSON-safe amounts, and retries replay', async () => {
    const from = await createFundedAccount(ledger, {
      balance: 10_000n,
      customerId: 'cus_activity01',
    });
    const to = await createFundedAccount(ledger);
    const transferId = uniqueId('trf');
    const view = await activities.getAccountForTransfer(from);
    expect(view).toEqual({
      id: from,
      customerId: 'cus_activity01',
      currency: 'USD',
      status: 'ACTIVE',
      kind: 'customer',
    });

    const holdInput = {
      id: ledgerIds.hold(transferId),
      debitAccountId: from,
      creditAccountId: to,
      amount: '2500',
      currency: 'USD',
      reference: transferId,
    };
    const hold = await activities.holdFunds(holdInput);
    expect(hold).toMatchObject({ kind: 'pending', amount: '2500', replayed: false });
    expect(JSON.parse(JSON.stringify(hold))).toEqual(hold);
    expect((await activities.holdFunds(holdInput)).replayed).toBe(true);

    const post = await activities.postHold({
      id: ledgerIds.post(transferId),
      pendingId: hold.id,
      reference: transferId,
    });
    expect(post).toMatchObject({
      kind: 'post_pending',
      amount: '2500',
      pendingId: hold.id,
      replayed: false,
    });
    expect(
      (
        await activities.postHold({
          id: ledgerIds.post(transferId),
          pendingId: hold.id,
          reference: transferId,
        })
      ).replayed,
    ).toBe(true);
    expect(await activities.getLedgerBalances(from)).toMatchObject({
      posted: '7500',
      pending: '0',
      available: '7500',
    });
    const invariant = await activities.ledgerInvariant();
    expect(invariant.balanced).toBe(true);
    expect(typeof invariant.totals.USD!.debitsPosted).toBe('string');
  });

  it('business errors reach the workflow as non-retryable failures typed by code', async () => {
    const from = await createFundedAccount(ledger, { balance: 100n });
    const to = await createFundedAccount(ledger);
    const transferId = uniqueId('trf');
    const missing = uniqueId('trf');
    const insufficient = await failureOf(
      activities.holdFunds({
        id: ledgerIds.hold(transferId),
        debitAccountId: from,
        creditAccountId: to,
        amount: '101',
        currency: 'USD',
      }),
    );
    expect(insufficient.type).toBe('INSUFFICIENT_FUNDS');
    expect(insufficient.nonRetryable).toBe(true);
    expect((await failureOf(activities.getAccountForTransfer('acc_missing000'))).type).toBe(
      'ACCOUNT_NOT_FOUND',
    );
    expect(
      (
        await failureOf(
          // Another transfer's never-placed hold (a void that finds nothing bars that hold id).
          activities.voidHold({
            id: ledgerIds.void(missing),
            pendingId: ledgerIds.hold(missing),
          }),
        )
      ).type,
    ).toBe('PENDING_TRANSFER_NOT_FOUND');
    expect(
      (
        await failureOf(
          activities.holdFunds({
            id: uniqueId('ltr'),
            debitAccountId: from,
            creditAccountId: to,
            amount: '1.5',
            currency: 'USD',
          }),
        )
      ).type,
    ).toBe('INVALID_AMOUNT');

    await activities.holdFunds({
      id: ledgerIds.hold(transferId),
      debitAccountId: from,
      creditAccountId: to,
      amount: '100',
      currency: 'USD',
    });
    const voided = await activities.voidHold({
      id: ledgerIds.void(transferId),
      pendingId: ledgerIds.hold(transferId),
    });
    expect(voided).toMatchObject({ kind: 'void_pending', amount: '100' });
    const resolved = await failureOf(
      activities.postHold({
        id: ledgerIds.post(transferId),
        pendingId: ledgerIds.hold(transferId),
      }),
    );
    expect(resolved.type).toBe('PENDING_TRANSFER_ALREADY_RESOLVED');
  });

  it('void is idempotent under its own id; resolving the voided hold again is a typed error', async () => {
    const from = await createFundedAccount(ledger, { balance: 1_000n });
    const to = await createFundedAccount(ledger);
    const transferId = uniqueId('trf');
    const hold = await activities.holdFunds({
      id: ledgerIds.hold(transferId),
      debitAccountId: from,
      creditAccountId: to,
      amount: '400',
      currency: 'USD',
      reference: transferId,
    });
    const voidInput = { id: ledgerIds.void(transferId), pendingId: hold.id, reference: transferId };
    const first = await activities.voidHold(voidInput);
    expect(first).toMatchObject({ kind: 'void_pending', amount: '400', replayed: false });
    // The compensation retried (lost reply, crash): the same void, nothing released twice.
    const again = await activities.voidHold(voidInput);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await activities.getLedgerBalances(from)).toMatchObject({
      posted: '1000',
      available: '1000',
      pending: '0',
    });
    expect((await ledger.getBalances(to)).creditsPending).toBe(0n);

    // Another id cannot resolve it again; the failure names how it was resolved.
    for (const other of [
      activities.voidHold({ ...voidInput, id: uniqueId('ltr', 'v') }),
      activities.postHold({ id: ledgerIds.post(transferId), pendingId: hold.id }),
    ]) {
      const failure = await failureOf(other);
      expect(failure.type).toBe('PENDING_TRANSFER_ALREADY_RESOLVED');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details?.[0]).toMatchObject({
        pendingId: hold.id,
        resolvedBy: voidInput.id,
        resolution: 'void_pending',
      });
    }
    // The same id with other fields is a conflict, not a replay.
    const conflict = await failureOf(activities.voidHold({ ...voidInput, reference: 'other' }));
    expect(conflict.type).toBe('TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS');
    expect(conflict.details?.[0]).toMatchObject({ field: 'reference' });
  });

  it('deposits from the settlement account idempotently', async () => {
    const account = await createFundedAccount(ledger);
    const input = {
      id: uniqueId('dep'),
      accountId: account,
      amount: '1234',
      currency: 'USD',
      reference: 'ops',
    };
    const first = await activities.depositFunds(input);
    expect(first).toMatchObject({
      debitAccountId: 'acc_settlement_usd',
      creditAccountId: account,
      replayed: false,
    });
    expect((await activities.depositFunds(input)).replayed).toBe(true);
    expect((await activities.getLedgerBalances(account)).posted).toBe('1234');
    const conflict = await failureOf(activities.depositFunds({ ...input, amount: '1' }));
    expect(conflict.type).toBe('TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS');
  });
});
