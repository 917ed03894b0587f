/**
 * The first TransferSnapshot of a transfer (status PENDING), built from its input. One definition
 * for the workflow's initial state and for what the start helper answers before the workflow
 * does. Pure and workflow-safe: the caller supplies the time (workflow time inside the sandbox).
 */
import type { TransferInput, TransferSnapshot } from '../workflows/transfer.messages';

export function initialTransferSnapshot(
  input: TransferInput,
  workflowId: string,
  /** ISO-8601: createdAt, updatedAt and the PENDING timeline entry. */
  at: string,
  /** 1 for the workflow's own state; 0 marks a placeholder the read model must not prefer. */
  version: number,
): TransferSnapshot {
  return {
    transferId: input.transferId,
    workflowId,
    customerId: input.customerId,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    amount: input.amount,
    currency: input.currency,
    memo: input.memo ?? null,
    status: 'PENDING',
    failureCode: null,
    failureMessage: null,
    fraud: null,
    timeline: [{ status: 'PENDING', at }],
    fundsHeld: false,
    attention: null,
    review: null,
    cancellation: null,
    createdAt: at,
    updatedAt: at,
    version,
  };
}
