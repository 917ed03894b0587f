// Tables for the events domain: consumer dedupe, and the read models fed by events.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Event ids a consumer has applied, written in the same transaction as the effect. */
export const processedEvents = pgTable(
  'processed_events',
  {
    consumer: text('consumer').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

/** Read model: per-account monthly totals (CQRS), fed by transfer events, rebuildable from the topic. */
export const accountMonthlySummaries = pgTable(
  'account_monthly_summaries',
  {
    accountId: text('account_id').notNull(),
    /** YYYY-MM (UTC) */
    month: text('month').notNull(),
    currency: text('currency').notNull(),
    inMinor: bigint('in_minor', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    outMinor: bigint('out_minor', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    inCount: integer('in_count').notNull().default(0),
    outCount: integer('out_count').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.month, t.currency] })],
);

/** Read model: the same month split by counterparty account. */
export const accountMonthlyCounterparties = pgTable(
  'account_monthly_counterparties',
  {
    accountId: text('account_id').notNull(),
    month: text('month').notNull(),
    currency: text('currency').notNull(),
    counterpartyAccountId: text('counterparty_account_id').notNull(),
    inMinor: bigint('in_minor', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    outMinor: bigint('out_minor', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.month, t.currency, t.counterpartyAccountId] })],
);

/** Read model: account owner and opening time, fed by account.* events (fraud + notifications). */
export const accountProfiles = pgTable(
  'account_profiles',
  {
    accountId: text('account_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('account_profiles_customer_idx').on(t.customerId)],
);
