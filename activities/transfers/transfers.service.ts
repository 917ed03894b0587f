/**
 * Reads of the transfers read model for the API and the support console: one transfer, and
 * filtered lists with keyset cursor pagination on (created_at desc, id desc). Every filter is a
 * plain WHERE term, so the keyset cursor stays correct under any combination of them.
 */
import { and, desc, eq, gte, lt, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { customers } from '../../db/schema/customers';
import { accounts } from '../../db/schema/ledger';
import { transfers, type TransferRow } from '../../db/schema/transfers';
import { DomainError } from '../../domain/errors';
import type { TransferStatus } from '../../domain/transfer';

export interface ListTransfersQuery {
  /** Either side of the transfer. */
  accountId?: string;
  /** Transfers this customer initiated. */
  customerId?: string;
  /**
   * Transfers that touch this customer: initiated by them, or from/to one of their accounts (so
   * money received shows up in the recipient's history too).
   */
  involvingCustomerId?: string;
  status?: TransferStatus | TransferStatus[];
  /** Only transfers created before this instant (e.g. STUCK: non-terminal and older than N). */
  createdBefore?: Date;
  /** Inclusive bounds on created_at. */
  createdFrom?: Date;
  createdTo?: Date;
  /** Inclusive bounds on the amount, in minor units. */
  minAmount?: bigint;
  maxAmount?: bigint;
  /**
   * A fragment of the counterparty's account number or holder name (case-insensitive). The
   * counterparty is the side other than `accountId`, or other than the `involvingCustomerId`'s own
   * accounts (either side for a transfer between their own accounts); with neither, either side.
   */
  counterparty?: string;
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

const ownedBy = (customerId: string, accountIdColumn: AnyColumn) =>
  sql`exists (select 1 from ${accounts} where ${accounts.id} = ${accountIdColumn} and ${accounts.customerId} = ${customerId})`;

function involving(customerId: string): SQL {
  return or(
    eq(transfers.customerId, customerId),
    ownedBy(customerId, transfers.fromAccountId),
    ownedBy(customerId, transfers.toAccountId),
  )!;
}

/** `%fragment%` for ILIKE, with the fragment's own wildcards taken literally. */
export function likePattern(fragment: string): string {
  return `%${fragment.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function counterpartyMatches(query: ListTransfersQuery): SQL {
  const pattern = likePattern(query.counterparty ?? '');
  // Digits typed with spaces or dashes ("1234 5678 90") still match the stored number.
  const digits = (query.counterparty ?? '').replace(/[\s-]/g, '');
  const numberPattern = /^\d+$/.test(digits) ? likePattern(digits) : pattern;
  let side: SQL = sql`true`;
  if (query.accountId) {
    side = sql`cp.id <> ${query.accountId}`;
  } else if (query.involvingCustomerId) {
    const me = query.involvingCustomerId;
    side = sql`(cp.customer_id is distinct from ${me} or (${ownedBy(me, transfers.fromAccountId)} and ${ownedBy(me, transfers.toAccountId)}))`;
  }
  return sql`exists (
    select 1 from ${accounts} cp left join ${customers} cpc on cpc.id = cp.customer_id
    where cp.id in (${transfers.fromAccountId}, ${transfers.toAccountId})
      and ${side}
      and (cp.number ilike ${numberPattern} or cpc.full_name ilike ${pattern})
  )`;
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
  if (query.involvingCustomerId) where.push(involving(query.involvingCustomerId));
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
  if (query.createdFrom) where.push(gte(transfers.createdAt, query.createdFrom));
  if (query.createdTo) where.push(lte(transfers.createdAt, query.createdTo));
  if (query.minAmount !== undefined) where.push(gte(transfers.amount, query.minAmount));
  if (query.maxAmount !== undefined) where.push(lte(transfers.amount, query.maxAmount));
  if (query.counterparty?.trim()) where.push(counterpartyMatches(query));
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
