// Tables for the notifications domain. Owned by activities/notify and consumers/notifications.
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** One notice to one customer; the id is deterministic from its source (event/transfer + party). */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    /** transfers | security | account | kyc | fraud | scheduled_payments */
    category: text('category').notNull(),
    template: text('template').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    sourceEventId: text('source_event_id'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notifications_customer_created_idx').on(t.customerId, t.createdAt)],
);

/** Delivery history: one row per notification and channel, with status and retry state. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id),
    /** email | sms | in_app */
    channel: text('channel').notNull(),
    /** pending | sent | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.notificationId, t.channel] }),
    index('notification_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** Per-customer channel preferences per category. Security notices ignore opt-outs. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    customerId: text('customer_id').notNull(),
    category: text('category').notNull(),
    channel: text('channel').notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.category, t.channel] })],
);

/** Where to reach a customer (email, phone). Written by onboarding or the preferences API. */
export const notificationContacts = pgTable('notification_contacts', {
  customerId: text('customer_id').primaryKey(),
  email: text('email'),
  phone: text('phone'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
