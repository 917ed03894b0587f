/**
 * Customers: the person behind the accounts. Created at registration (api/routes/auth.routes.ts);
 * `kyc_status` is advanced by the KYC workflow.
 */
import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth';

export const KYC_STATUSES = [
  'NOT_STARTED',
  'PENDING',
  'IN_REVIEW',
  'APPROVED',
  'REJECTED',
] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const customers = pgTable(
  'customers',
  {
    id: text('id').primaryKey(), // cus_…
    userId: text('user_id')
      .notNull()
      .unique()
      .references(() => users.id),
    fullName: text('full_name').notNull(),
    email: text('email').notNull(),
    kycStatus: text('kyc_status').$type<KycStatus>().notNull().default('NOT_STARTED'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'customers_kyc_status_check',
      sql`${t.kycStatus} in ('NOT_STARTED', 'PENDING', 'IN_REVIEW', 'APPROVED', 'REJECTED')`,
    ),
  ],
);
