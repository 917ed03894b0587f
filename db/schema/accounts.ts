/**
 * Customer-facing bank accounts: the product layer over a ledger account (same id). Holds the
 * human-readable account number, the product type and the opening workflow's state. Balances
 * and the ACTIVE/FROZEN/CLOSED status that the ledger enforces live in the ledger's table.
 */
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { AccountType } from './ledger';

export const ACCOUNT_OPENING_STATUSES = ['OPENING', 'OPEN', 'FAILED', 'CLOSED'] as const;
export type AccountOpeningStatus = (typeof ACCOUNT_OPENING_STATUSES)[number];

export const bankAccounts = pgTable(
  'bank_accounts',
  {
    /** The ledger account id (acc_…). */
    id: text('id').primaryKey(),
    /** Human-readable, unique: 10 digits, the last one a Luhn check digit. */
    number: text('number').notNull().unique(),
    customerId: text('customer_id').notNull(),
    type: text('type').$type<AccountType>().notNull(),
    currency: text('currency').notNull(),
    openingStatus: text('opening_status')
      .$type<AccountOpeningStatus>()
      .notNull()
      .default('OPENING'),
    workflowId: text('workflow_id').notNull(),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('bank_accounts_customer_idx').on(t.customerId)],
);
