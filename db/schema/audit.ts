/**
 * Append-only audit log of every support and ops action: who, what, target, reason, when.
 * A trigger (migration `audit_append_only`) refuses UPDATE and DELETE. Write through
 * `recordAudit` (activities/audit/audit.ts).
 */
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    /** User id of the actor (usr_…), or a system actor such as `system:worker`. */
    actor: text('actor').notNull(),
    actorRoles: text('actor_roles').array().notNull().default([]),
    /** Dotted verb, e.g. `transfer.approve`, `account.freeze`, `deposit.create`, `user.roles.set`. */
    action: text('action').notNull(),
    /** Opaque id of the thing acted on (trf_…, acc_…, usr_…, cus_…). */
    target: text('target').notNull(),
    reason: text('reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_target_idx').on(t.target)],
);
