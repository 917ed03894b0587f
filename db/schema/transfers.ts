/**
 * The transfers read model: what the API and the support console list and show. The source of
 * truth is the TransferWorkflow (state) and the ledger (money); this table is written only by the
 * idempotent `syncTransfer` activity (activities/transfers), keyed by the transfer id, and only
 * ever moves forward (`version`), so a retried or reordered write never duplicates a timeline
 * entry or rolls a status back.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { FraudAssessment, TimelineEntry, TransferStatus } from '../../domain/transfer';

export const transfers = pgTable(
  'transfers',
  {
    /** The transfer id (trf_…). */
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    /** The sender's customer (the initiator). */
    customerId: text('customer_id').notNull(),
    fromAccountId: text('from_account_id').notNull(),
    toAccountId: text('to_account_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    memo: text('memo'),
    status: text('status').$type<TransferStatus>().notNull(),
    failureCode: text('failure_code'),
    fraud: jsonb('fraud').$type<FraudAssessment>(),
    timeline: jsonb('timeline')
      .$type<TimelineEntry[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** The workflow's state version: a write with an older or equal version is ignored. */
    version: integer('version').notNull().default(0),
    initiatedBy: text('initiated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Cursor pagination is keyset on (created_at desc, id desc) within each filter.
    index('transfers_from_account_idx').on(t.fromAccountId, t.createdAt, t.id),
    index('transfers_to_account_idx').on(t.toAccountId, t.createdAt, t.id),
    index('transfers_customer_idx').on(t.customerId, t.createdAt, t.id),
    index('transfers_status_idx').on(t.status, t.createdAt, t.id),
  ],
);

export type TransferRow = typeof transfers.$inferSelect;
