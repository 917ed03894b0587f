/**
 * Reads of the transfers read model for the API and the support console: one transfer, and
 * filtered lists with keyset cursor pagination on (created_at desc, id desc).
 */
import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transfers, type TransferRow } from '../../db/schema/transfers';
import { DomainError } from '../../domain/errors';
import type { TransferStatus } from '../../domain/transfer';

export interface ListTransfersQuery {
  /** Either side of the transfer. */
  accountId?: string;
  customerId?: string;
  status?: TransferStatus | TransferStatus[];
  /** Only transfers created before this instant (e.g. STUCK: non-terminal and older than N). */
  createdBefore?: Date;
  limit?: number;
  cursor?: string;
}

export interface TransferPage {
  items: TransferRow[];
  nextCursor: string | null;
}

function encodeCursor(row: TransferRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { field: 'cursor' });
  }
  return { createdAt, id };
}

export async function getTransfer(db: Db, transferId: string): Promise<TransferRow | null> {
  const [row] = await db.select().from(transfers).where(eq(transfers.id, transferId)).limit(1);
  return row ?? null;
}

export async function listTransfers(db: Db, query: ListTransfersQuery): Promise<TransferPage> {
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
  const where: SQL[] = [];
  if (query.accountId) {
    where.push(
      or(eq(transfers.fromAccountId, query.accountId), eq(transfers.toAccountId, query.accountId))!,
    );
  }
  if (query.customerId) where.push(eq(transfers.customerId, query.customerId));
  if (query.status !== undefined) {
    const statuses = Array.isArray(query.status) ? query.status : [query.status];
    if (statuses.length > 0) {
      where.push(
        sql`${transfers.status} in (${sql.join(
          statuses.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      );
    }
  }
  if (query.createdBefore) where.push(lt(transfers.createdAt, query.createdBefore));
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.push(
      or(
        lt(transfers.createdAt, c.createdAt),
        and(eq(transfers.createdAt, c.createdAt), lt(transfers.id, c.id)),
      )!,
    );
  }
  const rows = await db
    .select()
    .from(transfers)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(transfers.createdAt), desc(transfers.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
