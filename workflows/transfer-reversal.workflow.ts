/**
 * TransferReversalWorkflow: support takes a COMPLETED transfer back (mistaken payment, recall).
 *
 *   load (COMPLETED?) → ledger reversal (payee → payer) → REVERSED in the read model
 *                     → transfer.reversed on Kafka → notify both parties
 *
 * Workflow id `transfer-reversal-<transferId>`. Every step is keyed by the transfer id, so a second
 * run (after a refusal, say INSUFFICIENT_FUNDS, once the payee has funds again) or any retry moves
 * the money at most once; a run that finds the transfer already REVERSED returns at once. The only step that can be refused is the ledger reversal, and nothing
 * precedes it that would need undoing; after it, every step is bookkeeping, retried until done.
 * Business refusals are results (`REFUSED` with a code), not workflow failures.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventActivities } from '../activities/events/events.activities';
import type {
  ReversalActivities,
  ReversibleTransfer,
} from '../activities/transfers/reversal.activities';
import { isErrorCode, type ErrorCode } from '../domain/errors';
import type { DomainEventInput } from '../domain/events';
import { eventId, ledgerIds } from '../domain/ids';
import type { TransferNotifyActivities } from './transfer.workflow';
import { transferSearchAttributes as SA } from './transfer.messages';

export const TRANSFER_REVERSAL_WORKFLOW_KIND = 'transfer-reversal';

export interface TransferReversalInput {
  transferId: string;
  /** The staff user who asked, and why (audited by the API; on the transfer's timeline). */
  actor: string;
  reason: string;
}

export interface TransferReversalResult {
  transferId: string;
  status: 'REVERSED' | 'REFUSED';
  failureCode: ErrorCode | null;
  message: string | null;
  /** The ledger transfer that moved the money back (REVERSED only). */
  ledgerTransferId: string | null;
}

const FOREVER = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
} as const;

export async function transferReversalWorkflow(
  input: TransferReversalInput,
): Promise<TransferReversalResult> {
  const { workflowId } = workflowInfo();
  // The money steps are idempotent by id: retried until Postgres answers (a refusal is final).
  const steps = proxyActivities<ReversalActivities>({
    startToCloseTimeout: '15 seconds',
    retry: FOREVER,
  });
  const events = proxyActivities<Pick<EventActivities, 'publishEvents'>>({
    startToCloseTimeout: '15 seconds',
    retry: FOREVER,
  });
  const notify = proxyActivities<TransferNotifyActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 5 },
  });

  upsertSearchAttributes([{ key: SA.workflowKind, value: TRANSFER_REVERSAL_WORKFLOW_KIND }]);

  let transfer: ReversibleTransfer;
  let ledgerTransferId: string;
  try {
    transfer = await steps.loadReversibleTransfer(input.transferId);
    if (transfer.alreadyReversed) {
      // An earlier run reversed it and, before it closed, recorded, published and notified it:
      // nothing is left to do (re-publishing would send the same event id with other data).
      return {
        transferId: input.transferId,
        status: 'REVERSED',
        failureCode: null,
        message: null,
        ledgerTransferId: ledgerIds.reversal(input.transferId),
      };
    }
    upsertSearchAttributes([
      { key: SA.customerId, value: transfer.customerId },
      { key: SA.accountId, value: transfer.fromAccountId },
    ]);
    ({ ledgerTransferId } = await steps.postReversal({
      transferId: transfer.transferId,
      fromAccountId: transfer.fromAccountId,
      toAccountId: transfer.toAccountId,
      amount: transfer.amount,
      currency: transfer.currency,
    }));
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    log.info('transfer reversal refused', { code: refusal.code });
    return {
      transferId: input.transferId,
      status: 'REFUSED',
      failureCode: refusal.code,
      message: refusal.message,
      ledgerTransferId: null,
    };
  }

  // The money is back: record it, tell the world, tell the parties.
  const at = new Date().toISOString();
  await steps.markTransferReversed({
    transferId: transfer.transferId,
    actor: input.actor,
    reason: input.reason,
    at,
  });
  const event: DomainEventInput = {
    id: eventId(workflowId, 'reversed'),
    type: 'transfer.reversed',
    subject: transfer.transferId,
    dataVersion: 1,
    time: at,
    data: {
      transferId: transfer.transferId,
      customerId: transfer.customerId,
      fromAccountId: transfer.fromAccountId,
      toAccountId: transfer.toAccountId,
      amount: transfer.amount,
      currency: transfer.currency,
      ...(transfer.toCustomerId !== null && { toCustomerId: transfer.toCustomerId }),
      ...(transfer.memo !== null && { memo: transfer.memo }),
      reason: input.reason.slice(0, 500),
      reversalLedgerTransferId: ledgerIds.reversal(transfer.transferId),
    },
  };
  await events.publishEvents([event]);
  try {
    await notify.notifyTransferParties({
      transferId: transfer.transferId,
      kind: 'reversed',
      fromCustomerId: transfer.customerId,
      ...(transfer.toCustomerId !== null && { toCustomerId: transfer.toCustomerId }),
      fromAccountId: transfer.fromAccountId,
      toAccountId: transfer.toAccountId,
      amount: transfer.amount,
      currency: transfer.currency,
    });
  } catch (err) {
    // Best effort: the money moved and transfer.reversed is on Kafka (the consumer notifies too).
    log.warn('reversal notification failed', { error: String(err) });
  }
  return {
    transferId: transfer.transferId,
    status: 'REVERSED',
    failureCode: null,
    message: null,
    ledgerTransferId,
  };
}

/** A business refusal (non-retryable, coded) from an activity; anything else is not one. */
function refusalOf(err: unknown): { code: ErrorCode; message: string } | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.nonRetryable && isErrorCode(cause.type)) {
    return { code: cause.type, message: cause.message };
  }
  return undefined;
}
