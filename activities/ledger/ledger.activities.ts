/**
 * Ledger activities for workflows. Inputs and outputs are Temporal-JSON-safe: amounts travel as
 * MinorString, dates as ISO strings. Every write is keyed by its ledger transfer id, so a retried
 * activity replays the first result (`replayed: true`) instead of moving money twice.
 * DomainErrors (INSUFFICIENT_FUNDS, PENDING_TRANSFER_EXPIRED, …) reach the workflow as
 * non-retryable ApplicationFailures whose `type` is the code.
 */
import type { Db } from '../../db/client';
import type { AccountKind, AccountStatus } from '../../db/schema/ledger';
import { isDomainError } from '../../domain/errors';
import { minorToString, type MinorString, toPositiveMinor } from '../../domain/money';
import { metrics } from '../../platform/metrics';
import { withDomainFailures } from '../shared/failures';
import { createLedgerService, type LedgerTransfer, type TransferResult } from './ledger.service';

export interface LedgerTransferView {
  id: string;
  kind: LedgerTransfer['kind'];
  debitAccountId: string;
  creditAccountId: string;
  amount: MinorString;
  currency: string;
  pendingId: string | null;
  timeoutAt: string | null;
  reference: string | null;
  createdAt: string;
  replayed: boolean;
}

export interface LedgerAccountForTransfer {
  id: string;
  customerId: string | null;
  currency: string;
  status: AccountStatus;
  kind: AccountKind;
}

export interface LedgerInvariantView {
  balanced: boolean;
  totals: Record<
    string,
    {
      debitsPosted: MinorString;
      creditsPosted: MinorString;
      debitsPending: MinorString;
      creditsPending: MinorString;
    }
  >;
  problems: string[];
}

export function toTransferView({ transfer, replayed }: TransferResult): LedgerTransferView {
  return {
    id: transfer.id,
    kind: transfer.kind,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: minorToString(transfer.amount),
    currency: transfer.currency,
    pendingId: transfer.pendingId,
    timeoutAt: transfer.timeoutAt ? transfer.timeoutAt.toISOString() : null,
    reference: transfer.reference,
    createdAt: transfer.createdAt.toISOString(),
    replayed,
  };
}

export function createLedgerActivities({ db }: { db: Db }) {
  const ledger = createLedgerService(db);
  return withDomainFailures({
    /** Places a hold (pending transfer). The id is derived from the transfer: `ledgerIds.hold(transferId)`. */
    async holdFunds(input: {
      id: string;
      debitAccountId: string;
      creditAccountId: string;
      amount: MinorString;
      currency: string;
      timeoutSeconds?: number;
      reference?: string;
    }): Promise<LedgerTransferView> {
      return toTransferView(
        await ledger.holdFunds({ ...input, amount: toPositiveMinor(input.amount) }),
      );
    },

    /** Posts a hold, fully or partially (`amount` ≤ the held amount; default all of it). */
    async postHold(input: {
      id: string;
      pendingId: string;
      amount?: MinorString;
      reference?: string;
    }): Promise<LedgerTransferView> {
      return toTransferView(
        await ledger.postPending({
          id: input.id,
          pendingId: input.pendingId,
          amount: input.amount === undefined ? undefined : toPositiveMinor(input.amount),
          reference: input.reference,
        }),
      );
    },

    /** Releases a hold. Fails with PENDING_TRANSFER_EXPIRED if it already timed out (its funds are released). */
    async voidHold(input: {
      id: string;
      pendingId: string;
      reference?: string;
    }): Promise<LedgerTransferView> {
      // Voiding is the transfer saga's compensation: counted once per hold (not on replays).
      try {
        const view = toTransferView(await ledger.voidPending(input));
        if (!view.replayed) metrics.compensationRun('void_hold', 'ok');
        return view;
      } catch (err) {
        metrics.compensationRun('void_hold', isDomainError(err) ? 'noop' : 'error');
        throw err;
      }
    },

    /** Funds a customer account from the bank's settlement account (ops-only). */
    async depositFunds(input: {
      id: string;
      accountId: string;
      amount: MinorString;
      currency: string;
      reference?: string;
    }): Promise<LedgerTransferView> {
      return toTransferView(
        await ledger.deposit({ ...input, amount: toPositiveMinor(input.amount) }),
      );
    },

    async getAccountForTransfer(accountId: string): Promise<LedgerAccountForTransfer> {
      const a = await ledger.getAccount(accountId);
      return {
        id: a.id,
        customerId: a.customerId,
        currency: a.currency,
        status: a.status,
        kind: a.kind,
      };
    },

    async getLedgerBalances(accountId: string): Promise<{
      accountId: string;
      currency: string;
      posted: MinorString;
      pending: MinorString;
      available: MinorString;
    }> {
      const b = await ledger.getBalances(accountId);
      return {
        accountId: b.accountId,
        currency: b.currency,
        posted: minorToString(b.posted),
        pending: minorToString(b.pending),
        available: minorToString(b.available),
      };
    },

    /** The sweeper: releases holds past their timeout. */
    async expireHolds(input: { limit?: number } = {}): Promise<{ released: string[] }> {
      return { released: await ledger.expirePendingTransfers(input) };
    },

    async ledgerInvariant(): Promise<LedgerInvariantView> {
      const report = await ledger.checkInvariant();
      const totals: LedgerInvariantView['totals'] = {};
      for (const [currency, t] of Object.entries(report.totals)) {
        totals[currency] = {
          debitsPosted: minorToString(t.debitsPosted),
          creditsPosted: minorToString(t.creditsPosted),
          debitsPending: minorToString(t.debitsPending),
          creditsPending: minorToString(t.creditsPending),
        };
      }
      return { balanced: report.balanced, totals, problems: report.problems };
    },
  });
}

export type LedgerActivities = ReturnType<typeof createLedgerActivities>;
