/**
 * Scheduled payments. The ScheduledPaymentWorkflow is the source of truth while it runs; these
 * rows are its durable read model (list, next run, occurrence history with transfer ids),
 * written by its activities.
 */
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

export const SCHEDULE_FREQUENCIES = ['ONCE', 'WEEKLY', 'MONTHLY', 'CRON'] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];

export const SCHEDULE_STATUSES = ['ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

export const OCCURRENCE_STATUSES = [
  'RUNNING',
  'RETRY_SCHEDULED',
  'COMPLETED',
  'SKIPPED',
  'FAILED',
] as const;
export type OccurrenceStatus = (typeof OCCURRENCE_STATUSES)[number];

export interface ScheduleSpecRow {
  frequency: ScheduleFrequency;
  startAt: string;
  dayOfMonth?: number;
  cron?: string;
  endAt?: string;
  maxCount?: number;
}

export const scheduledPayments = pgTable(
  'scheduled_payments',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    fromAccountId: text('from_account_id').notNull(),
    toAccountId: text('to_account_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    memo: text('memo'),
    spec: jsonb('spec').$type<ScheduleSpecRow>().notNull(),
    status: text('status').$type<ScheduleStatus>().notNull().default('ACTIVE'),
    pausedReason: text('paused_reason'),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    occurrenceCount: integer('occurrence_count').notNull().default(0),
    workflowId: text('workflow_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('scheduled_payments_customer_idx').on(t.customerId)],
);

export const scheduledPaymentOccurrences = pgTable(
  'scheduled_payment_occurrences',
  {
    scheduleId: text('schedule_id')
      .notNull()
      .references(() => scheduledPayments.id),
    /** ISO date-time of the occurrence's due time (UTC), the key of its transfer id. */
    dueAt: text('due_at').notNull(),
    transferId: text('transfer_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    status: text('status').$type<OccurrenceStatus>().notNull(),
    attempts: integer('attempts').notNull().default(1),
    failureCode: text('failure_code'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.dueAt] })],
);
