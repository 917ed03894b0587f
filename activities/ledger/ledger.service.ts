/**
 * The double-entry ledger on PostgreSQL, after TigerBeetle's model. Used by the ledger activities
 * and by the API (reads, ops commands).
 *
 * - Every money movement is a `ledger_transfers` row with a client-chosen id. The same id with the
 *   same fields replays the first result; with different fields it is a conflict naming the first
 *   differing field (TigerBeetle's `exists_with_different_*`, in its precedence order).
 * - A transfer runs in one transaction that locks both account rows `FOR UPDATE` in id order
 *   (no deadlocks between two transfers on the same pair), checks status, currency and funds on
 *   the locked rows, inserts the transfer, moves the running totals and writes the statement
 *   entries. There is no read-then-write race, and the table's CHECK constraints refuse an
 *   overdraw even if this code had a bug.
 * - Holds (`pending`) resolve at most once: by a post (full or partial), a void, or their expiry.
 *   An expired hold is released by `expirePendingTransfers()` or lazily by the post/void attempt,
 *   as an `expire_pending` row written by the ledger itself, so pending funds never leak and the
 *   transfer rows alone explain every total (see invariant.ts).
 * - A failed transfer is not recorded: retrying the same id later re-evaluates it (unlike
 *   TigerBeetle's `id_already_failed`), which is what a saga retrying a hold wants.
 */
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  ACCOUNT_KINDS,
  ACCOUNT_STATUSES,
  ACCOUNT_TYPES,
  type AccountKind,
  type AccountRow,
  type AccountStatus,
  type AccountType,
  accounts,
  ledgerEntries,
  type LedgerTransferKind,
  type LedgerTransferRow,
  ledgerTransfers,
} from '../../db/schema/ledger';
import { DomainError } from '../../domain/errors';
import { isOpaqueId, systemAccountIds } from '../../domain/ids';
import { assertCurrency, CURRENCY_CODES, type Currency, toPositiveMinor } from '../../domain/money';
import { checkInvariant, type InvariantReport } from './invariant';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type LedgerAccount = AccountRow;
export type LedgerTransfer = LedgerTransferRow;
export type ClientTransferKind = Exclude<LedgerTransferKind, 'expire_pending'>;
export const CLIENT_TRANSFER_KINDS: readonly ClientTransferKind[] = [
  'single',
  'pending',
  'post_pending',
  'void_pending',
];

export interface AccountFlags {
  debitsMustNotExceedCredits?: boolean;
  creditsMustNotExceedDebits?: boolean;
}

export interface CreateAccountInput {
  id: string;
  customerId?: string | null;
  currency: string;
  kind: AccountKind;
  type?: AccountType | null;
  number?: string | null;
  /** Defaults by kind: customer → debits_must_not_exceed_credits; settlement → credits_must_not_exceed_debits. */
  flags?: AccountFlags;
  overdraftLimit?: bigint;
}

export interface CreateTransferInput {
  id: string;
  kind: ClientTransferKind;
  /** Required for single and pending; optional (must match the hold) for post/void. */
  debitAccountId?: string;
  creditAccountId?: string;
  /** Required for single and pending. Post: at most the hold's amount, default all of it. Void: the hold's amount. */
  amount?: bigint;
  /** Required for single and pending; optional (must match the hold) for post/void. */
  currency?: string;
  /** Post and void: the hold being resolved. */
  pendingId?: string;
  /** Pending only: the hold expires this many seconds after it is created. */
  timeoutSeconds?: number;
  reference?: string;
}

export interface TransferResult {
  transfer: LedgerTransfer;
  /** True when the id already existed with the same fields: nothing moved this time. */
  replayed: boolean;
}

export interface Balances {
  accountId: string;
  currency: Currency;
  /** credits_posted - debits_posted. */
  posted: bigint;
  /** Net pending: credits_pending - debits_pending (negative while outgoing holds exist). */
  pending: bigint;
  /** What can still be debited: posted - debits_pending (+ overdraft limit for debit-limited accounts). */
  available: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  overdraftLimit: bigint;
}

export interface LedgerEntry {
  /** The entry's sequence number, as a decimal string. */
  id: string;
  transferId: string;
  kind: LedgerTransferKind;
  /** For posts: the hold this entry settles. */
  pendingId: string | null;
  direction: 'debit' | 'credit';
  amount: bigint;
  currency: Currency;
  /** The account's posted balance (credits - debits) right after this entry. */
  balanceAfter: bigint;
  counterpartyAccountId: string;
  reference: string | null;
  createdAt: Date;
}

export interface EntryPage {
  items: LedgerEntry[];
  nextCursor: string | null;
}

const MAX_TIMEOUT_SECONDS = 60 * 60 * 24 * 366;
const ENTRY_PAGE_MAX = 200;

const fail = (
  code: ConstructorParameters<typeof DomainError>[0],
  message: string,
  details: Record<string, unknown> = {},
) => new DomainError(code, message, details);

/** The Postgres error behind a (possibly drizzle-wrapped) error. */
function pgError(err: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (
      typeof current === 'object' &&
      current !== null &&
      'code' in current &&
      typeof current.code === 'string'
    ) {
      return current as { code?: string; constraint?: string };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isConstraintViolation(err: unknown, constraint: string): boolean {
  const pg = pgError(err);
  return (pg?.code === '23505' || pg?.code === '23514') && pg.constraint === constraint;
}

/** A `ledger_create_transfers` result row (o_* columns, raw pg values) as a ledger transfer. */
function transferOfRow(row: Record<string, unknown>): LedgerTransfer {
  const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
  return {
    id: String(row.o_id),
    debitAccountId: String(row.o_debit),
    creditAccountId: String(row.o_credit),
    amount: BigInt(String(row.o_amount)),
    currency: String(row.o_currency),
    kind: String(row.o_kind) as LedgerTransfer['kind'],
    pendingId: row.o_pending_id === null ? null : String(row.o_pending_id),
    timeoutSeconds: row.o_timeout_seconds === null ? null : Number(row.o_timeout_seconds),
    timeoutAt: row.o_timeout_at === null ? null : date(row.o_timeout_at),
    reference: row.o_reference === null ? null : String(row.o_reference),
    createdAt: date(row.o_created_at),
  };
}

export function defaultFlags(kind: AccountKind): Required<AccountFlags> {
  return {
    debitsMustNotExceedCredits: kind === 'customer',
    creditsMustNotExceedDebits: kind === 'settlement',
  };
}

/** available = credits_posted - debits_posted - debits_pending (+ overdraft limit when debit-limited). */
export function availableOf(a: AccountRow): bigint {
  const base = a.creditsPosted - a.debitsPosted - a.debitsPending;
  return a.debitsMustNotExceedCredits ? base + a.overdraftLimit : base;
}

export function balancesOf(a: AccountRow): Balances {
  return {
    accountId: a.id,
    currency: a.currency as Currency,
    posted: a.creditsPosted - a.debitsPosted,
    pending: a.creditsPending - a.debitsPending,
    available: availableOf(a),
    debitsPending: a.debitsPending,
    creditsPending: a.creditsPending,
    overdraftLimit: a.overdraftLimit,
  };
}

function validateAccountId(id: unknown, field: string): string {
  if (!isOpaqueId(id, 'account')) {
    throw fail('VALIDATION_FAILED', `${field} must be an account id (acc_…)`, { field });
  }
  return id;
}

function validateTransferId(id: unknown, field: string): string {
  if (typeof id !== 'string' || id.length < 1 || id.length > 200 || !/^[\x21-\x7e]+$/.test(id)) {
    throw fail('VALIDATION_FAILED', `${field} must be 1-200 printable characters`, { field });
  }
  return id;
}

interface Normalized {
  id: string;
  kind: ClientTransferKind;
  debitAccountId?: string;
  creditAccountId?: string;
  amount?: bigint;
  currency?: Currency;
  pendingId?: string;
  timeoutSeconds?: number;
  reference?: string;
}

function normalize(input: CreateTransferInput): Normalized {
  const id = validateTransferId(input.id, 'id');
  if (!CLIENT_TRANSFER_KINDS.includes(input.kind)) {
    throw fail('VALIDATION_FAILED', `Unknown transfer kind: ${String(input.kind)}`, {
      field: 'kind',
    });
  }
  const resolving = input.kind === 'post_pending' || input.kind === 'void_pending';
  const out: Normalized = { id, kind: input.kind };
  if (input.debitAccountId !== undefined)
    out.debitAccountId = validateAccountId(input.debitAccountId, 'debitAccountId');
  if (input.creditAccountId !== undefined)
    out.creditAccountId = validateAccountId(input.creditAccountId, 'creditAccountId');
  if (input.amount !== undefined) out.amount = toPositiveMinor(input.amount);
  if (input.currency !== undefined) out.currency = assertCurrency(input.currency);
  if (input.reference !== undefined && input.reference !== null) {
    if (typeof input.reference !== 'string' || input.reference.length > 500) {
      throw fail('VALIDATION_FAILED', 'reference must be a string of at most 500 characters', {
        field: 'reference',
      });
    }
    out.reference = input.reference;
  }
  if (resolving) {
    if (input.pendingId === undefined)
      throw fail('VALIDATION_FAILED', `${input.kind} requires pendingId`, { field: 'pendingId' });
    out.pendingId = validateTransferId(input.pendingId, 'pendingId');
    if (input.timeoutSeconds !== undefined) {
      throw fail('VALIDATION_FAILED', 'timeoutSeconds applies to pending transfers only', {
        field: 'timeoutSeconds',
      });
    }
  } else {
    if (input.pendingId !== undefined) {
      throw fail('VALIDATION_FAILED', 'pendingId applies to post_pending and void_pending only', {
        field: 'pendingId',
      });
    }
    for (const field of ['debitAccountId', 'creditAccountId', 'amount', 'currency'] as const) {
      if (out[field] === undefined)
        throw fail('VALIDATION_FAILED', `${field} is required`, { field });
    }
    if (out.debitAccountId === out.creditAccountId) {
      throw fail('SAME_ACCOUNT', 'Debit and credit accounts must differ', {
        accountId: out.debitAccountId,
      });
    }
    if (input.timeoutSeconds !== undefined) {
      if (input.kind !== 'pending') {
        throw fail('VALIDATION_FAILED', 'timeoutSeconds applies to pending transfers only', {
          field: 'timeoutSeconds',
        });
      }
      if (
        !Number.isInteger(input.timeoutSeconds) ||
        input.timeoutSeconds < 1 ||
        input.timeoutSeconds > MAX_TIMEOUT_SECONDS
      ) {
        throw fail(
          'VALIDATION_FAILED',
          'timeoutSeconds must be a whole number of seconds, at least 1',
          {
            field: 'timeoutSeconds',
          },
        );
      }
      out.timeoutSeconds = input.timeoutSeconds;
    }
  }
  return out;
}

/**
 * Batches of single-phase transfers and holds: at most this many in flight per service, each of
 * at most this many.
 */
const MAX_BATCHES_IN_FLIGHT = 4;
const MAX_BATCH_SIZE = 64;

export function createLedgerService(db: Db) {
  const ensuredSettlement = new Set<string>();

  async function findTransfer(executor: DbOrTx, id: string): Promise<LedgerTransfer | undefined> {
    const [row] = await executor.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, id));
    return row;
  }

  /** TigerBeetle's precedence: flags, pending_id, timeout, debit, credit, amount, then the rest. */
  async function assertSameFields(existing: LedgerTransfer, req: Normalized): Promise<void> {
    const differs = (field: string, existingValue: unknown, requested: unknown) => {
      throw fail(
        'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
        `Transfer ${req.id} exists with a different ${field}`,
        {
          id: req.id,
          field,
          existing: typeof existingValue === 'bigint' ? existingValue.toString() : existingValue,
          requested: typeof requested === 'bigint' ? requested.toString() : requested,
        },
      );
    };
    if (existing.kind !== req.kind) differs('kind', existing.kind, req.kind);
    if ((existing.pendingId ?? undefined) !== req.pendingId)
      differs('pendingId', existing.pendingId, req.pendingId);
    if ((existing.timeoutSeconds ?? undefined) !== req.timeoutSeconds) {
      differs('timeoutSeconds', existing.timeoutSeconds, req.timeoutSeconds);
    }
    if (req.debitAccountId !== undefined && existing.debitAccountId !== req.debitAccountId) {
      differs('debitAccountId', existing.debitAccountId, req.debitAccountId);
    }
    if (req.creditAccountId !== undefined && existing.creditAccountId !== req.creditAccountId) {
      differs('creditAccountId', existing.creditAccountId, req.creditAccountId);
    }
    let amount = req.amount;
    if (amount === undefined && req.pendingId !== undefined) {
      // Omitted on a post/void means "the hold's full amount".
      amount = (await findTransfer(db, req.pendingId))?.amount;
    }
    if (amount !== undefined && existing.amount !== amount)
      differs('amount', existing.amount, amount);
    if (req.currency !== undefined && existing.currency !== req.currency)
      differs('currency', existing.currency, req.currency);
    if ((existing.reference ?? undefined) !== req.reference)
      differs('reference', existing.reference, req.reference);
  }

  async function lockAccounts(tx: Tx, ids: string[]): Promise<Map<string, AccountRow>> {
    const rows = await tx
      .select()
      .from(accounts)
      .where(inArray(accounts.id, ids))
      .orderBy(asc(accounts.id))
      .for('update');
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      if (!byId.has(id))
        throw fail('ACCOUNT_NOT_FOUND', `Account ${id} not found`, { accountId: id });
    }
    return byId;
  }

  /** Moves the totals of one account and returns the updated row. */
  async function bump(
    tx: Tx,
    accountId: string,
    delta: {
      debitsPending?: bigint;
      debitsPosted?: bigint;
      creditsPending?: bigint;
      creditsPosted?: bigint;
    },
  ): Promise<AccountRow> {
    const set: Record<string, unknown> = { updatedAt: sql`now()` };
    if (delta.debitsPending)
      set.debitsPending = sql`${accounts.debitsPending} + ${delta.debitsPending}::bigint`;
    if (delta.debitsPosted)
      set.debitsPosted = sql`${accounts.debitsPosted} + ${delta.debitsPosted}::bigint`;
    if (delta.creditsPending)
      set.creditsPending = sql`${accounts.creditsPending} + ${delta.creditsPending}::bigint`;
    if (delta.creditsPosted)
      set.creditsPosted = sql`${accounts.creditsPosted} + ${delta.creditsPosted}::bigint`;
    const [row] = await tx.update(accounts).set(set).where(eq(accounts.id, accountId)).returning();
    if (!row) throw fail('ACCOUNT_NOT_FOUND', `Account ${accountId} not found`, { accountId });
    return row;
  }

  /** Releases an open hold that timed out. Accounts must be locked by the caller. */
  async function releaseExpired(tx: Tx, pending: LedgerTransfer): Promise<void> {
    await tx.insert(ledgerTransfers).values({
      id: `${pending.id}:expired`,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amount: pending.amount,
      currency: pending.currency,
      kind: 'expire_pending',
      pendingId: pending.id,
      reference: 'hold expired',
    });
    await bump(tx, pending.debitAccountId, { debitsPending: -pending.amount });
    await bump(tx, pending.creditAccountId, { creditsPending: -pending.amount });
  }

  async function resolutionOf(
    executor: DbOrTx,
    pendingId: string,
  ): Promise<LedgerTransfer | undefined> {
    const [row] = await executor
      .select()
      .from(ledgerTransfers)
      .where(eq(ledgerTransfers.pendingId, pendingId));
    return row;
  }

  // --- kinds 'single' and 'pending': batched, one round trip per batch ---------------------------
  // `ledger_create_transfers` (migration 0007) runs the ledger's checks and writes for many transfers
  // in one call and one transaction. Concurrent callers are grouped (group commit): a request
  // waits at most for the batch in flight ahead of it, and gets its own result or DomainError.
  interface QueuedCreate {
    req: Normalized;
    resolve: (result: TransferResult) => void;
    reject: (err: unknown) => void;
  }
  const queued: QueuedCreate[] = [];
  let batchesInFlight = 0;
  let batchScheduled = false;

  function createBatched(req: Normalized): Promise<TransferResult> {
    return new Promise((resolve, reject) => {
      queued.push({ req, resolve, reject });
      scheduleBatch();
    });
  }

  function scheduleBatch(): void {
    if (batchScheduled || batchesInFlight >= MAX_BATCHES_IN_FLIGHT || queued.length === 0) return;
    batchScheduled = true;
    // Requests made in the same turn of the event loop join this batch.
    setImmediate(() => {
      batchScheduled = false;
      if (batchesInFlight >= MAX_BATCHES_IN_FLIGHT || queued.length === 0) return;
      const batch = queued.splice(0, MAX_BATCH_SIZE);
      batchesInFlight += 1;
      void runBatch(batch).finally(() => {
        batchesInFlight -= 1;
        scheduleBatch();
      });
      scheduleBatch();
    });
  }

  async function callCreateTransfers(reqs: Normalized[]): Promise<Record<string, unknown>[]> {
    const items = reqs.map((r) => ({
      id: r.id,
      kind: r.kind,
      debit: r.debitAccountId,
      credit: r.creditAccountId,
      amount: r.amount!.toString(),
      currency: r.currency,
      timeout: r.timeoutSeconds ?? null,
      reference: r.reference ?? null,
    }));
    const res = await db.execute(
      sql`select * from ledger_create_transfers(${JSON.stringify(items)}::jsonb)`,
    );
    return res.rows;
  }

  async function runBatch(batch: QueuedCreate[]): Promise<void> {
    let rows: Record<string, unknown>[];
    try {
      rows = await callCreateTransfers(batch.map((b) => b.req));
    } catch {
      // The whole batch rolled back (a racing duplicate id, a CHECK): apply each on its own.
      await Promise.all(batch.map((b) => createAlone(b.req).then(b.resolve, b.reject)));
      return;
    }
    await Promise.all(
      batch.map((b, i) => {
        const row = rows.find((r) => Number(r.o_idx) === i);
        const result = row
          ? resultOfRow(row, b.req)
          : Promise.reject(new Error('ledger_create_transfers: missing result'));
        return result.then(b.resolve, b.reject);
      }),
    );
  }

  /** One transfer in its own call (the fallback when its batch failed). */
  async function createAlone(req: Normalized): Promise<TransferResult> {
    for (let attempt = 0; ; attempt++) {
      let rows: Record<string, unknown>[];
      try {
        rows = await callCreateTransfers([req]);
      } catch (err) {
        // Same id raced on other accounts: the winner's row decides (replay or conflict).
        if (isConstraintViolation(err, 'ledger_transfers_pkey') && attempt < 2) continue;
        if (
          isConstraintViolation(err, 'accounts_debits_limit') ||
          isConstraintViolation(err, 'accounts_credits_limit')
        ) {
          throw fail('INSUFFICIENT_FUNDS', 'Insufficient funds', {});
        }
        throw err;
      }
      const row = rows[0];
      if (!row) throw new Error('ledger_create_transfers returned no row');
      return resultOfRow(row, req);
    }
  }

  /**
   * Maps an outcome row of `ledger_create_transfers` or `ledger_resolve_pending` (o_* columns) to
   * the service's result or DomainError.
   */
  async function resultOfRow(
    row: Record<string, unknown>,
    req: Normalized,
  ): Promise<TransferResult> {
    const outcome = String(row.o_outcome);
    const detail = typeof row.o_detail === 'string' ? row.o_detail : '';
    const pendingId = req.pendingId ?? '';
    switch (outcome) {
      case 'created':
        return { transfer: transferOfRow(row), replayed: false };
      case 'exists': {
        const existing = transferOfRow(row);
        await assertSameFields(existing, req);
        return { transfer: existing, replayed: true };
      }
      case 'ACCOUNT_NOT_FOUND':
        throw fail('ACCOUNT_NOT_FOUND', `Account ${detail} not found`, { accountId: detail });
      case 'CURRENCY_MISMATCH': {
        const [debitCurrency, creditCurrency] = detail.split('/');
        throw fail('CURRENCY_MISMATCH', 'Accounts and transfer must share one currency', {
          debitCurrency,
          creditCurrency,
          currency: req.currency,
        });
      }
      case 'ACCOUNT_CLOSED':
        throw fail('ACCOUNT_CLOSED', `Account ${detail} is closed`, { accountId: detail });
      case 'ACCOUNT_FROZEN':
        throw fail('ACCOUNT_FROZEN', `Account ${detail} is frozen`, { accountId: detail });
      case 'INSUFFICIENT_FUNDS':
        throw fail('INSUFFICIENT_FUNDS', `Insufficient funds in ${detail}`, { accountId: detail });
      case 'HOLD_ALREADY_VOIDED':
        throw fail('HOLD_ALREADY_VOIDED', `Hold ${detail} was voided before it was placed`, {
          id: detail,
        });
      case 'CREDITS_EXCEED_DEBITS':
        throw fail('INSUFFICIENT_FUNDS', `Credits to ${detail} would exceed its debits`, {
          accountId: detail,
          limit: 'credits_must_not_exceed_debits',
        });
      case 'PENDING_TRANSFER_NOT_FOUND':
        throw fail('PENDING_TRANSFER_NOT_FOUND', `No pending transfer ${pendingId}`, { pendingId });
      case 'VALIDATION_FAILED':
        throw fail(
          'VALIDATION_FAILED',
          detail === 'amount'
            ? 'A void releases the full pending amount'
            : `${detail} differs from the pending transfer's`,
          { field: detail, pendingId },
        );
      case 'EXCEEDS_PENDING_AMOUNT':
        throw fail('EXCEEDS_PENDING_AMOUNT', 'Amount exceeds the pending amount', {
          pendingId,
          pendingAmount: detail,
        });
      // 'expired': the release of the timed-out hold was written and committed by this call.
      case 'expired':
      case 'PENDING_TRANSFER_EXPIRED':
        throw fail('PENDING_TRANSFER_EXPIRED', `Pending transfer ${pendingId} expired`, {
          pendingId,
        });
      case 'PENDING_TRANSFER_ALREADY_RESOLVED': {
        const cut = detail.lastIndexOf('/');
        throw alreadyResolved(pendingId, detail.slice(0, cut), detail.slice(cut + 1));
      }
      default:
        throw new Error(`ledger: unknown outcome ${outcome}`);
    }
  }

  // --- kinds 'post_pending' and 'void_pending': one call, one round trip ----------------------
  // `ledger_resolve_pending` (migration 0009) runs the checks and writes of a post or void under
  // the hold's account locks, and bars a missing hold's id for a void (migration 0008).
  async function resolvePending(req: Normalized): Promise<TransferResult> {
    const item = {
      id: req.id,
      kind: req.kind,
      pendingId: req.pendingId,
      amount: req.amount?.toString() ?? null,
      debit: req.debitAccountId ?? null,
      credit: req.creditAccountId ?? null,
      currency: req.currency ?? null,
      reference: req.reference ?? null,
    };
    for (let attempt = 0; ; attempt++) {
      let row: Record<string, unknown> | undefined;
      try {
        const res = await db.execute(
          sql`select * from ledger_resolve_pending(${JSON.stringify(item)}::jsonb)`,
        );
        row = res.rows[0];
      } catch (err) {
        // Same id raced on other accounts: the winner's row decides (replay or conflict).
        if (isConstraintViolation(err, 'ledger_transfers_pkey') && attempt < 2) continue;
        if (isConstraintViolation(err, 'ledger_transfers_resolves_once')) {
          const resolution = await resolutionOf(db, req.pendingId!);
          throw alreadyResolved(req.pendingId!, resolution?.id, resolution?.kind);
        }
        if (
          isConstraintViolation(err, 'accounts_debits_limit') ||
          isConstraintViolation(err, 'accounts_credits_limit')
        ) {
          throw fail('INSUFFICIENT_FUNDS', 'Insufficient funds', {});
        }
        throw err;
      }
      if (!row) throw new Error('ledger_resolve_pending returned no row');
      return resultOfRow(row, req);
    }
  }

  function alreadyResolved(pendingId: string, resolvedBy?: string, resolution?: string) {
    return fail(
      'PENDING_TRANSFER_ALREADY_RESOLVED',
      `Pending transfer ${pendingId} was already resolved`,
      { pendingId, ...(resolvedBy && { resolvedBy, resolution }) },
    );
  }

  async function createTransfer(input: CreateTransferInput): Promise<TransferResult> {
    const req = normalize(input);
    return req.kind === 'single' || req.kind === 'pending'
      ? createBatched(req)
      : resolvePending(req);
  }

  async function createAccount(
    input: CreateAccountInput,
  ): Promise<{ account: LedgerAccount; created: boolean }> {
    const id = validateAccountId(input.id, 'id');
    const currency = assertCurrency(input.currency);
    if (!ACCOUNT_KINDS.includes(input.kind)) {
      throw fail('VALIDATION_FAILED', `Unknown account kind: ${String(input.kind)}`, {
        field: 'kind',
      });
    }
    if (input.type != null && !ACCOUNT_TYPES.includes(input.type)) {
      throw fail('VALIDATION_FAILED', `Unknown account type: ${String(input.type)}`, {
        field: 'type',
      });
    }
    const flags = { ...defaultFlags(input.kind), ...input.flags };
    if (flags.debitsMustNotExceedCredits && flags.creditsMustNotExceedDebits) {
      throw fail('VALIDATION_FAILED', 'An account cannot limit both debits and credits', {
        field: 'flags',
      });
    }
    const overdraftLimit = input.overdraftLimit ?? 0n;
    if (typeof overdraftLimit !== 'bigint' || overdraftLimit < 0n) {
      throw fail('VALIDATION_FAILED', 'overdraftLimit must be a non-negative bigint', {
        field: 'overdraftLimit',
      });
    }
    const values = {
      id,
      customerId: input.customerId ?? null,
      number: input.number ?? null,
      type: input.type ?? null,
      currency,
      kind: input.kind,
      debitsMustNotExceedCredits: flags.debitsMustNotExceedCredits,
      creditsMustNotExceedDebits: flags.creditsMustNotExceedDebits,
      overdraftLimit,
    };
    let inserted: AccountRow[];
    try {
      inserted = await db
        .insert(accounts)
        .values(values)
        .onConflictDoNothing({ target: accounts.id })
        .returning();
    } catch (err) {
      if (isConstraintViolation(err, 'accounts_number_unique')) {
        throw fail('ACCOUNT_NUMBER_TAKEN', 'Account number is already in use', { field: 'number' });
      }
      throw err;
    }
    if (inserted[0]) return { account: inserted[0], created: true };
    const existing = await getAccount(id);
    const compare: [string, unknown, unknown][] = [
      ['currency', existing.currency, values.currency],
      ['kind', existing.kind, values.kind],
      ['customerId', existing.customerId, values.customerId],
      ['type', existing.type, values.type],
      [
        'debitsMustNotExceedCredits',
        existing.debitsMustNotExceedCredits,
        values.debitsMustNotExceedCredits,
      ],
      [
        'creditsMustNotExceedDebits',
        existing.creditsMustNotExceedDebits,
        values.creditsMustNotExceedDebits,
      ],
      ['overdraftLimit', existing.overdraftLimit, values.overdraftLimit],
    ];
    if (input.number != null) compare.push(['number', existing.number, input.number]);
    for (const [field, have, want] of compare) {
      if (have !== want) {
        throw fail(
          'ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS',
          `Account ${id} exists with a different ${field}`,
          { id, field },
        );
      }
    }
    return { account: existing, created: false };
  }

  // The hot read (every transfer validates two accounts): built once, prepared per connection.
  const accountById = db
    .select()
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare('ledger_account_by_id');

  async function getAccount(accountId: string, executor: DbOrTx = db): Promise<LedgerAccount> {
    const [row] =
      executor === db
        ? await accountById.execute({ id: accountId })
        : await executor.select().from(accounts).where(eq(accounts.id, accountId));
    if (!row) throw fail('ACCOUNT_NOT_FOUND', `Account ${accountId} not found`, { accountId });
    return row;
  }

  async function getBalances(accountId: string): Promise<Balances> {
    return balancesOf(await getAccount(accountId));
  }

  async function getTransfer(id: string): Promise<LedgerTransfer> {
    const row = await findTransfer(db, id);
    if (!row) throw fail('TRANSFER_NOT_FOUND', `Ledger transfer ${id} not found`, { id });
    return row;
  }

  /** Newest first. The cursor is the last entry id of the previous page. */
  async function listEntries(
    accountId: string,
    options: { limit?: number; cursor?: string | null } = {},
  ): Promise<EntryPage> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > ENTRY_PAGE_MAX) {
      throw fail('VALIDATION_FAILED', `limit must be 1-${ENTRY_PAGE_MAX}`, { field: 'limit' });
    }
    const cursor = options.cursor ?? null;
    if (cursor !== null && !/^\d{1,19}$/.test(cursor)) {
      throw fail('VALIDATION_FAILED', 'Invalid cursor', { field: 'cursor' });
    }
    const account = await getAccount(accountId);
    const pending = sql`(select p.reference from ${ledgerTransfers} p where p.id = ${ledgerTransfers.pendingId})`;
    const rows = await db
      .select({
        id: ledgerEntries.id,
        transferId: ledgerEntries.transferId,
        direction: ledgerEntries.direction,
        amount: ledgerEntries.amount,
        balanceAfter: ledgerEntries.balanceAfter,
        createdAt: ledgerEntries.createdAt,
        kind: ledgerTransfers.kind,
        pendingId: ledgerTransfers.pendingId,
        debitAccountId: ledgerTransfers.debitAccountId,
        creditAccountId: ledgerTransfers.creditAccountId,
        reference: sql<string | null>`coalesce(${ledgerTransfers.reference}, ${pending})`,
      })
      .from(ledgerEntries)
      .innerJoin(ledgerTransfers, eq(ledgerTransfers.id, ledgerEntries.transferId))
      .where(
        and(
          eq(ledgerEntries.accountId, accountId),
          cursor === null ? undefined : lt(ledgerEntries.id, BigInt(cursor)),
        ),
      )
      .orderBy(desc(ledgerEntries.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id.toString(),
        transferId: r.transferId,
        kind: r.kind,
        pendingId: r.pendingId,
        direction: r.direction,
        amount: r.amount,
        currency: account.currency as Currency,
        balanceAfter: r.balanceAfter,
        counterpartyAccountId: r.direction === 'debit' ? r.creditAccountId : r.debitAccountId,
        reference: r.reference,
        createdAt: r.createdAt,
      })),
      nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null,
    };
  }

  /** The bank's settlement (and fees) account per currency. Idempotent. */
  async function ensureSystemAccounts(
    currencies: readonly Currency[] = CURRENCY_CODES,
  ): Promise<void> {
    for (const currency of currencies) {
      await createAccount({
        id: systemAccountIds.settlement(currency),
        currency,
        kind: 'settlement',
      });
      await createAccount({ id: systemAccountIds.fees(currency), currency, kind: 'fees' });
      ensuredSettlement.add(currency);
    }
  }

  async function holdFunds(input: {
    id: string;
    debitAccountId: string;
    creditAccountId: string;
    amount: bigint;
    currency: string;
    timeoutSeconds?: number;
    reference?: string;
  }): Promise<TransferResult> {
    return createTransfer({ ...input, kind: 'pending' });
  }

  async function postPending(input: {
    id: string;
    pendingId: string;
    amount?: bigint;
    reference?: string;
  }) {
    return createTransfer({ ...input, kind: 'post_pending' });
  }

  async function voidPending(input: { id: string; pendingId: string; reference?: string }) {
    return createTransfer({ ...input, kind: 'void_pending' });
  }

  /** Funding from the bank's settlement account in the same currency (ops-only). */
  async function deposit(input: {
    id: string;
    accountId: string;
    amount: bigint;
    currency: string;
    reference?: string;
  }) {
    const currency = assertCurrency(input.currency);
    if (!ensuredSettlement.has(currency)) await ensureSystemAccounts([currency]);
    return createTransfer({
      id: input.id,
      kind: 'single',
      debitAccountId: systemAccountIds.settlement(currency),
      creditAccountId: input.accountId,
      amount: input.amount,
      currency,
      reference: input.reference,
    });
  }

  /** Freeze, unfreeze or close. Closing needs a zero balance and no holds; CLOSED is final. */
  async function setAccountStatus(
    accountId: string,
    status: AccountStatus,
  ): Promise<LedgerAccount> {
    if (!ACCOUNT_STATUSES.includes(status)) {
      throw fail('VALIDATION_FAILED', `Unknown status: ${String(status)}`, { field: 'status' });
    }
    return db.transaction(async (tx) => {
      const account = (await lockAccounts(tx, [accountId])).get(accountId)!;
      if (account.status === status) return account;
      if (account.status === 'CLOSED') {
        throw fail('ACCOUNT_CLOSED', `Account ${accountId} is closed`, { accountId });
      }
      if (
        status === 'CLOSED' &&
        (account.debitsPending !== 0n ||
          account.creditsPending !== 0n ||
          account.creditsPosted !== account.debitsPosted)
      ) {
        throw fail('ACCOUNT_NOT_EMPTY', `Account ${accountId} has a balance or open holds`, {
          accountId,
          posted: (account.creditsPosted - account.debitsPosted).toString(),
          debitsPending: account.debitsPending.toString(),
          creditsPending: account.creditsPending.toString(),
        });
      }
      const [row] = await tx
        .update(accounts)
        .set({ status, updatedAt: sql`now()` })
        .where(eq(accounts.id, accountId))
        .returning();
      return row!;
    });
  }

  /**
   * Releases holds whose timeout has passed (the sweeper). Each hold in its own short
   * transaction; a hold resolved concurrently is skipped. Returns the ids released.
   */
  async function expirePendingTransfers(options: { limit?: number } = {}): Promise<string[]> {
    const limit = options.limit ?? 500;
    const due = await db
      .select()
      .from(ledgerTransfers)
      .where(
        and(
          eq(ledgerTransfers.kind, 'pending'),
          sql`${ledgerTransfers.timeoutAt} <= clock_timestamp()`,
          sql`not exists (select 1 from ${ledgerTransfers} r where r.pending_id = ${ledgerTransfers.id})`,
        ),
      )
      .orderBy(asc(ledgerTransfers.timeoutAt))
      .limit(limit);
    const released: string[] = [];
    for (const pending of due) {
      const done = await db.transaction(async (tx) => {
        await lockAccounts(tx, [pending.debitAccountId, pending.creditAccountId].sort());
        if (await resolutionOf(tx, pending.id)) return false;
        await releaseExpired(tx, pending);
        return true;
      });
      if (done) released.push(pending.id);
    }
    return released;
  }

  /** Transfers touching an account, newest first (for ops/support views). */
  async function listTransfers(accountId: string, limit = 50): Promise<LedgerTransfer[]> {
    return db
      .select()
      .from(ledgerTransfers)
      .where(
        or(
          eq(ledgerTransfers.debitAccountId, accountId),
          eq(ledgerTransfers.creditAccountId, accountId),
        ),
      )
      .orderBy(desc(ledgerTransfers.createdAt))
      .limit(Math.min(Math.max(limit, 1), ENTRY_PAGE_MAX));
  }

  return {
    createAccount,
    createTransfer,
    holdFunds,
    postPending,
    voidPending,
    deposit,
    getAccount,
    getBalances,
    getTransfer,
    listEntries,
    listTransfers,
    ensureSystemAccounts,
    setAccountStatus,
    expirePendingTransfers,
    checkInvariant: (): Promise<InvariantReport> => checkInvariant(db),
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
