/**
 * Activities of the TransferReversalWorkflow (support reverses a COMPLETED transfer).
 *
 * Every step is idempotent, so a retried activity or a second reversal run of the same transfer
 * never moves money twice:
 * - the ledger reversal has the id `ledgerIds.reversal(transferId)` (a replay returns it);
 * - the read-model write only moves a COMPLETED row to REVERSED, once, with a newer version.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transfers } from '../../db/schema/transfers';
import { DomainError } from '../../domain/errors';
import { ledgerIds } from '../../domain/ids';
import { minorToString, toPositiveMinor, type MinorString } from '../../domain/money';
import type { TimelineEntry } from '../../domain/transfer';
import { metrics } from '../../platform/metrics';
import { createLedgerService } from '../ledger/ledger.service';
import { accountOwner } from '../notify/event-notifications';
import { withDomainFailures } from '../shared/failures';
import { getTransfer } from './transfers.service';

/** What the reversal needs to know about the original transfer. */
export interface ReversibleTransfer {
  transferId: string;
  customerId: string;
  /** The payee's customer (the party the money is taken back from), when it is a customer. */
  toCustomerId: string | null;
  fromAccountId: string;
  toAccountId: string;
  amount: MinorString;
  currency: string;
  memo: string | null;
  /** Already REVERSED: the remaining steps only replay. */
  alreadyReversed: boolean;
}

export interface MarkReversedInput {
  transferId: string;
  actor: string;
  reason: string;
  /** Workflow time of the reversal (ISO-8601): the timeline entry is the same on every retry. */
  at: string;
}

export function createReversalActivities({ db }: { db: Db }) {
  const ledger = createLedgerService(db);
  return withDomainFailures({
    /** Loads the transfer; only a COMPLETED (or already REVERSED) transfer can be reversed. */
    async loadReversibleTransfer(transferId: string): Promise<ReversibleTransfer> {
      const row = await getTransfer(db, transferId);
      if (!row) throw new DomainError('TRANSFER_NOT_FOUND', 'Transfer not found', { transferId });
      if (row.status !== 'COMPLETED' && row.status !== 'REVERSED') {
        throw new DomainError(
          'INVALID_STATE',
          `The transfer is ${row.status}: only a COMPLETED transfer can be reversed`,
          { transferId, status: row.status },
        );
      }
      return {
        transferId: row.id,
        customerId: row.customerId,
        toCustomerId: (await accountOwner(db, row.toAccountId)) ?? null,
        fromAccountId: row.fromAccountId,
        toAccountId: row.toAccountId,
        amount: minorToString(row.amount),
        currency: row.currency,
        memo: row.memo,
        alreadyReversed: row.status === 'REVERSED',
      };
    },

    /**
     * Moves the money back: one single-phase ledger transfer from the payee's account to the
     * payer's. The payee's account must still hold the funds (never overdrawn: INSUFFICIENT_FUNDS),
     * and be neither frozen nor closed.
     */
    async postReversal(input: {
      transferId: string;
      fromAccountId: string;
      toAccountId: string;
      amount: MinorString;
      currency: string;
    }): Promise<{ ledgerTransferId: string; replayed: boolean }> {
      const result = await ledger.createTransfer({
        id: ledgerIds.reversal(input.transferId),
        kind: 'single',
        debitAccountId: input.toAccountId,
        creditAccountId: input.fromAccountId,
        amount: toPositiveMinor(input.amount),
        currency: input.currency,
        reference: input.transferId,
      });
      if (!result.replayed) metrics.compensationRun('reverse_transfer', 'ok');
      return { ledgerTransferId: result.transfer.id, replayed: result.replayed };
    },

    /** COMPLETED → REVERSED in the read model, with a timeline entry. Applies once. */
    async markTransferReversed(input: MarkReversedInput): Promise<{ applied: boolean }> {
      const entry: TimelineEntry = {
        status: 'REVERSED',
        at: input.at,
        note: `reversed by ${input.actor}: ${input.reason}`.slice(0, 500),
      };
      const rows = await db
        .update(transfers)
        .set({
          status: 'REVERSED',
          timeline: sql`${transfers.timeline} || ${JSON.stringify([entry])}::jsonb`,
          version: sql`${transfers.version} + 1`,
          updatedAt: new Date(input.at),
        })
        .where(and(eq(transfers.id, input.transferId), eq(transfers.status, 'COMPLETED')))
        .returning({ id: transfers.id });
      return { applied: rows.length > 0 };
    },
  });
}

export type ReversalActivities = ReturnType<typeof createReversalActivities>;
