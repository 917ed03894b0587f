/**
 * The double-entry ledger, after TigerBeetle's model (see activities/ledger/ledger.service.ts).
 *
 * - `accounts` carry four running totals in minor units. Bank-owned accounts (settlement,
 *   clearing, fees) sit beside customer accounts so every movement has two sides.
 * - `ledger_transfers` are immutable, keyed by a client-chosen id (the idempotency key).
 *   Corrections are new transfers, never updates.
 * - `ledger_entries` are the per-account statement lines: one per side of every *posted* change,
 *   written in the same transaction, with the account's posted balance after the change.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  char,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const ACCOUNT_KINDS = ['customer', 'settlement', 'clearing', 'fees'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const ACCOUNT_STATUSES = ['ACTIVE', 'FROZEN', 'CLOSED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const ACCOUNT_TYPES = ['CHECKING', 'SAVINGS'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/**
 * Client kinds are the first four. `expire_pending` is written only by the ledger itself when a
 * hold times out: it releases the hold like a void and marks it resolved.
 */
export const LEDGER_TRANSFER_KINDS = [
  'single',
  'pending',
  'post_pending',
  'void_pending',
  'expire_pending',
] as const;
export type LedgerTransferKind = (typeof LEDGER_TRANSFER_KINDS)[number];

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id'),
    /** Human-readable account number, assigned by account opening. */
    number: text('number').unique('accounts_number_unique'),
    type: text('type').$type<AccountType>(),
    currency: char('currency', { length: 3 }).notNull(),
    kind: text('kind').$type<AccountKind>().notNull(),
    status: text('status').$type<AccountStatus>().notNull().default('ACTIVE'),
    /** TigerBeetle flag: debits_pending + debits_posted <= credits_posted + overdraft_limit. */
    debitsMustNotExceedCredits: boolean('debits_must_not_exceed_credits').notNull().default(true),
    /** TigerBeetle flag: credits_pending + credits_posted <= debits_posted. */
    creditsMustNotExceedDebits: boolean('credits_must_not_exceed_debits').notNull().default(false),
    overdraftLimit: bigint('overdraft_limit', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    debitsPending: bigint('debits_pending', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    debitsPosted: bigint('debits_posted', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    creditsPending: bigint('credits_pending', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    creditsPosted: bigint('credits_posted', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('accounts_kind_check', sql`${t.kind} in ('customer', 'settlement', 'clearing', 'fees')`),
    check('accounts_status_check', sql`${t.status} in ('ACTIVE', 'FROZEN', 'CLOSED')`),
    check('accounts_type_check', sql`${t.type} is null or ${t.type} in ('CHECKING', 'SAVINGS')`),
    check(
      'accounts_totals_non_negative',
      sql`${t.debitsPending} >= 0 and ${t.debitsPosted} >= 0 and ${t.creditsPending} >= 0 and ${t.creditsPosted} >= 0`,
    ),
    check('accounts_overdraft_limit_non_negative', sql`${t.overdraftLimit} >= 0`),
    check(
      'accounts_flags_exclusive',
      sql`not (${t.debitsMustNotExceedCredits} and ${t.creditsMustNotExceedDebits})`,
    ),
    // Defence in depth: even a buggy code path cannot overdraw a limited account.
    check(
      'accounts_debits_limit',
      sql`not ${t.debitsMustNotExceedCredits} or ${t.debitsPending} + ${t.debitsPosted} <= ${t.creditsPosted} + ${t.overdraftLimit}`,
    ),
    check(
      'accounts_credits_limit',
      sql`not ${t.creditsMustNotExceedDebits} or ${t.creditsPending} + ${t.creditsPosted} <= ${t.debitsPosted}`,
    ),
    index('accounts_customer_id_idx').on(t.customerId),
  ],
);

export const ledgerTransfers = pgTable(
  'ledger_transfers',
  {
    id: text('id').primaryKey(),
    debitAccountId: text('debit_account_id')
      .notNull()
      .references(() => accounts.id),
    creditAccountId: text('credit_account_id')
      .notNull()
      .references(() => accounts.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    kind: text('kind').$type<LedgerTransferKind>().notNull(),
    pendingId: text('pending_id').references((): AnyPgColumn => ledgerTransfers.id),
    /** As requested, for pending transfers: part of the idempotency comparison. */
    timeoutSeconds: integer('timeout_seconds'),
    /** created_at + timeout_seconds, from the database clock. */
    timeoutAt: timestamp('timeout_at', { withTimezone: true }),
    reference: text('reference'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_transfers_amount_positive', sql`${t.amount} > 0`),
    check(
      'ledger_transfers_kind_check',
      sql`${t.kind} in ('single', 'pending', 'post_pending', 'void_pending', 'expire_pending')`,
    ),
    check('ledger_transfers_distinct_accounts', sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check(
      'ledger_transfers_pending_id_check',
      sql`(${t.kind} in ('post_pending', 'void_pending', 'expire_pending')) = (${t.pendingId} is not null)`,
    ),
    check(
      'ledger_transfers_timeout_check',
      sql`${t.kind} = 'pending' or (${t.timeoutSeconds} is null and ${t.timeoutAt} is null)`,
    ),
    // A hold resolves at most once: one post, void or expiry per pending id.
    uniqueIndex('ledger_transfers_resolves_once')
      .on(t.pendingId)
      .where(sql`${t.pendingId} is not null`),
    index('ledger_transfers_debit_account_idx').on(t.debitAccountId),
    index('ledger_transfers_credit_account_idx').on(t.creditAccountId),
    // The expiry sweeper scans open holds by deadline.
    index('ledger_transfers_pending_timeout_idx')
      .on(t.timeoutAt)
      .where(sql`${t.kind} = 'pending' and ${t.timeoutAt} is not null`),
  ],
);

/**
 * Hold ids whose void found no hold: the saga compensated before a slow hold attempt committed.
 * That hold can never be placed afterwards (refused with HOLD_ALREADY_VOIDED), so it cannot leak.
 * The void and the hold serialise on an advisory lock keyed by the hold id.
 */
export const ledgerVoidedHolds = pgTable('ledger_voided_holds', {
  id: text('id').primaryKey(),
  /** The void that found nothing. */
  voidId: text('void_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    /** Global order; per account it is commit order because the account row is locked. */
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    transferId: text('transfer_id')
      .notNull()
      .references(() => ledgerTransfers.id),
    direction: text('direction').$type<'debit' | 'credit'>().notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    /** credits_posted - debits_posted of the account right after this entry. */
    balanceAfter: bigint('balance_after', { mode: 'bigint' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_entries_direction_check', sql`${t.direction} in ('debit', 'credit')`),
    check('ledger_entries_amount_positive', sql`${t.amount} > 0`),
    uniqueIndex('ledger_entries_transfer_direction_unique').on(t.transferId, t.direction),
    index('ledger_entries_account_id_idx').on(t.accountId, t.id),
  ],
);

export type AccountRow = typeof accounts.$inferSelect;
export type LedgerTransferRow = typeof ledgerTransfers.$inferSelect;
export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;
