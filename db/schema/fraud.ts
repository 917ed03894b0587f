// Tables for the fraud domain. Owned by activities/fraud.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** Rules are data: type + params + weight + action, grouped in rule sets ('default' is live). */
export const fraudRules = pgTable(
  'fraud_rules',
  {
    id: text('id').primaryKey(),
    ruleSet: text('rule_set').notNull().default('default'),
    name: text('name').notNull(),
    type: text('type').notNull(),
    params: jsonb('params')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    weight: integer('weight').notNull(),
    /** SCORE (adds weight) | REVIEW (at least review) | BLOCK (block) | ALLOW (allowlist) */
    action: text('action').notNull().default('SCORE'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('fraud_rules_set_idx').on(t.ruleSet, t.active)],
);

/** One row per scored transfer (any decision): the audit trail and the history later rules read. */
export const fraudCases = pgTable(
  'fraud_cases',
  {
    id: text('id').primaryKey(),
    transferId: text('transfer_id').notNull().unique(),
    ruleSet: text('rule_set').notNull(),
    customerId: text('customer_id').notNull(),
    fromAccountId: text('from_account_id').notNull(),
    toAccountId: text('to_account_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    score: integer('score').notNull(),
    /** ALLOW | REVIEW | BLOCK */
    decision: text('decision').notNull(),
    reasons: jsonb('reasons').$type<{ rule: string; value: string; weight: number }[]>().notNull(),
    /** True when Redis-backed rules were skipped. */
    degraded: boolean('degraded').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('fraud_cases_from_time_idx').on(t.fromAccountId, t.occurredAt),
    index('fraud_cases_from_to_idx').on(t.fromAccountId, t.toAccountId),
    index('fraud_cases_decision_idx').on(t.decision, t.createdAt),
  ],
);
