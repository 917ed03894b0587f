/**
 * Ledger test helpers: the invariant assertion every ledger-touching test ends with, and small
 * fixtures for funded customer accounts. Real Postgres only (the per-run test database).
 */
import { randomBytes } from 'node:crypto';
import { createDatabase, type Db } from '../db/client';
import { checkInvariant, type InvariantReport } from '../activities/ledger/invariant';
import {
  createLedgerService,
  type DbOrTx,
  type LedgerService,
} from '../activities/ledger/ledger.service';
import type { Currency } from '../domain/money';

const json = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

/**
 * Fails the test, printing the per-currency totals and the problems, when the ledger invariant
 * does not hold. Without a `db` it opens (and closes) a connection to the test database.
 */
export async function expectLedgerBalanced(db?: Db | DbOrTx): Promise<InvariantReport> {
  let report: InvariantReport;
  if (db) {
    report = await checkInvariant(db);
  } else {
    const database = createDatabase(process.env.DATABASE_URL!, { max: 1 });
    try {
      report = await checkInvariant(database.db);
    } finally {
      await database.close();
    }
  }
  if (!report.balanced) {
    throw new Error(
      `Ledger invariant violated:\n${report.problems.join('\n')}\ntotals: ${json(report.totals)}`,
    );
  }
  expect(report.balanced).toBe(true);
  return report;
}

/** A fresh opaque id with the given prefix, unique across concurrent test files. */
export function uniqueId(prefix = 'acc', label = ''): string {
  return `${prefix}_${label}${randomBytes(6).toString('hex')}`;
}

export interface FundedAccountOptions {
  currency?: Currency;
  /** Deposited from the settlement account. */
  balance?: bigint;
  overdraftLimit?: bigint;
  customerId?: string;
  label?: string;
}

/** A customer account (debits may not exceed credits), funded with `balance` by a deposit. */
export async function createFundedAccount(
  ledger: LedgerService,
  options: FundedAccountOptions = {},
): Promise<string> {
  const currency = options.currency ?? 'USD';
  const id = uniqueId('acc', options.label ?? '');
  await ledger.createAccount({
    id,
    currency,
    kind: 'customer',
    type: 'CHECKING',
    customerId: options.customerId ?? uniqueId('cus'),
    overdraftLimit: options.overdraftLimit,
  });
  if (options.balance && options.balance > 0n) {
    await ledger.deposit({
      id: `${id}:fund`,
      accountId: id,
      amount: options.balance,
      currency,
      reference: 'test funding',
    });
  }
  return id;
}

/** A ledger service over a fresh pool on the test database; close it in afterAll. */
export function ledgerFixture(options: { max?: number } = {}) {
  const database = createDatabase(process.env.DATABASE_URL!, { max: options.max ?? 10 });
  const ledger = createLedgerService(database.db);
  return { database, db: database.db, ledger, close: () => database.close() };
}
