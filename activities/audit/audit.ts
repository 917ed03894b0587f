/**
 * The audit trail of support and ops actions. Append-only (a trigger refuses UPDATE/DELETE).
 * Shared: the API records every support/ops route here; workflows or services acting for staff
 * may record too.
 *
 *   await recordAudit(db, { actor: user.id, actorRoles: user.roles, action: 'account.freeze',
 *                           target: accountId, reason, details: { from: 'ACTIVE' } });
 */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog } from '../../db/schema/audit';

export interface AuditEntry {
  /** usr_… of the acting user, or `system:<process>`. */
  actor: string;
  actorRoles?: string[];
  /** Dotted verb: `transfer.approve`, `account.freeze`, `deposit.create`, `user.roles.set`, … */
  action: string;
  /** Opaque id of the target (trf_…, acc_…, cus_…, usr_…). */
  target: string;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: string;
  actor: string;
  actorRoles: string[];
  action: string;
  target: string;
  reason: string | null;
  details: Record<string, unknown>;
  at: Date;
}

/** Anything drizzle can insert through: the Db or a transaction. */
type Writer = Pick<Db, 'insert'>;

export async function recordAudit(db: Writer, entry: AuditEntry): Promise<AuditRecord> {
  const [row] = await db
    .insert(auditLog)
    .values({
      actor: entry.actor,
      actorRoles: entry.actorRoles ?? [],
      action: entry.action,
      target: entry.target,
      reason: entry.reason ?? null,
      details: entry.details ?? {},
    })
    .returning();
  if (!row) throw new Error('audit insert returned no row');
  return { ...row, id: row.id.toString() };
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  limit: number;
  /** Return rows with an id below this one (newest first). */
  beforeId?: bigint;
}

/** Newest first; fetches `limit + 1` rows so the caller can tell whether there is a next page. */
export async function listAudit(db: Db, q: AuditQuery): Promise<AuditRecord[]> {
  const where: SQL[] = [];
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.target) where.push(eq(auditLog.target, q.target));
  if (q.beforeId !== undefined) where.push(lt(auditLog.id, q.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}
