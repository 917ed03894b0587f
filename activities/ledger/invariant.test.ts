/**
 * The invariant must be able to fail. Every tampering happens inside a transaction that is rolled
 * back, so other test files checking the shared test database never see it.
 */
import { eq, sql } from 'drizzle-orm';
import { TransactionRollbackError } from 'drizzle-orm';
import { accounts, ledgerTransfers } from '../../db/schema/ledger';
import {
  createFundedAccount,
  expectLedgerBalanced,
  ledgerFixture,
  uniqueId,
} from '../../test/ledger';
import { checkInvariant, type InvariantReport } from './invariant';
import type { Tx } from './ledger.service';

const fx = ledgerFixture();
const { ledger, db } = fx;

afterAll(() => fx.close());
afterEach(async () => {
  await expectLedgerBalanced(db);
});

/** Runs `tamper` and the invariant inside one transaction, then rolls it back. */
async function reportWhileTampered(tamper: (tx: Tx) => Promise<unknown>): Promise<InvariantReport> {
  let report: InvariantReport | undefined;
  await db
    .transaction(async (tx) => {
      await tamper(tx);
      report = await checkInvariant(tx);
      tx.rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof TransactionRollbackError)) throw err;
    });
  return report!;
}

describe('checkInvariant', () => {
  it('reports per-currency totals that balance', async () => {
    await createFundedAccount(ledger, { balance: 500n, currency: 'CHF' });
    const report = await expectLedgerBalanced(db);
    expect(report.totals.CHF).toBeDefined();
    expect(report.totals.CHF!.debitsPosted).toBe(report.totals.CHF!.creditsPosted);
    expect(report.totals.CHF!.debitsPosted).toBeGreaterThanOrEqual(500n);
  });

  it('detects a tampered posted total (currency sums no longer match)', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const report = await reportWhileTampered((tx) =>
      tx
        .update(accounts)
        .set({ creditsPosted: sql`${accounts.creditsPosted} + 1` })
        .where(eq(accounts.id, a)),
    );
    expect(report.balanced).toBe(false);
    expect(report.problems.join('\n')).toMatch(/USD: debits_posted \d+ != credits_posted/);
    expect(report.problems.join('\n')).toContain(a);
    expect((await ledger.getAccount(a)).creditsPosted).toBe(100n); // restored
  });

  it('detects totals moved between accounts even though the currency sums still balance', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger, { balance: 100n });
    const report = await reportWhileTampered(async (tx) => {
      await tx
        .update(accounts)
        .set({ creditsPosted: sql`${accounts.creditsPosted} - 10` })
        .where(eq(accounts.id, a));
      await tx
        .update(accounts)
        .set({ creditsPosted: sql`${accounts.creditsPosted} + 10` })
        .where(eq(accounts.id, b));
    });
    expect(report.balanced).toBe(false);
    const text = report.problems.join('\n');
    expect(text).not.toMatch(/debits_posted \d+ != credits_posted/);
    expect(text).toContain('differ from their transfers');
  });

  it('detects a tampered pending total and a smuggled resolution; transfers are append-only', async () => {
    const a = await createFundedAccount(ledger, { balance: 100n });
    const b = await createFundedAccount(ledger);
    const hold = await ledger.holdFunds({
      id: uniqueId('ltr', 'h'),
      debitAccountId: a,
      creditAccountId: b,
      amount: 40n,
      currency: 'USD',
    });
    const pendingTampered = await reportWhileTampered((tx) =>
      tx
        .update(accounts)
        .set({ debitsPending: sql`${accounts.debitsPending} + 5` })
        .where(eq(accounts.id, a)),
    );
    expect(pendingTampered.balanced).toBe(false);
    expect(pendingTampered.problems.join('\n')).toMatch(/debits_pending \d+ != credits_pending/);
    // Transfers are append-only: the database refuses to rewrite or delete them.
    await expect(
      db
        .update(ledgerTransfers)
        .set({ amount: 1n })
        .where(eq(ledgerTransfers.id, hold.transfer.id)),
    ).rejects.toThrow();
    await expect(
      db.delete(ledgerTransfers).where(eq(ledgerTransfers.id, hold.transfer.id)),
    ).rejects.toThrow();
    // A resolution row smuggled in without touching the totals is caught by the recomputation.
    const smuggled = await reportWhileTampered((tx) =>
      tx.insert(ledgerTransfers).values({
        id: uniqueId('ltr', 'smuggled'),
        debitAccountId: a,
        creditAccountId: b,
        amount: 40n,
        currency: 'USD',
        kind: 'void_pending',
        pendingId: hold.transfer.id,
      }),
    );
    expect(smuggled.balanced).toBe(false);
    expect(smuggled.problems.join('\n')).toContain(a);
    await ledger.voidPending({ id: uniqueId('ltr', 'v'), pendingId: hold.transfer.id });
  });
});
