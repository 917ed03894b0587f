/**
 * The TransferWorkflow's contract: input, snapshot, updates and queries, search attribute keys.
 * Shared by the workflow, the start helper (activities/transfers/transfer.client.ts), the API and
 * tests. Workflow-safe: no Node built-ins, no I/O.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { MinorString } from '../domain/money';
import type { FraudAssessment, TimelineEntry, TransferStatus } from '../domain/transfer';

export interface TransferInput {
  transferId: string;
  /** The initiator: must own `fromAccountId`. */
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: MinorString;
  currency: string;
  memo?: string;
  /** How long a transfer waits in AWAITING_REVIEW before it is rejected. Default 72 h. */
  reviewTimeoutSeconds?: number;
  /** Who asked for it (a user id, `schedule:<id>`, `api`): recorded, never used for auth. */
  initiatedBy?: string;
}

/** A support or customer action: who did it and why. */
export interface ActorInput {
  actor: string;
  reason: string;
}

export type TransferStep = 'validate' | 'hold' | 'score' | 'post' | 'void';

export interface TransferSnapshot {
  transferId: string;
  workflowId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: MinorString;
  currency: string;
  memo: string | null;
  status: TransferStatus;
  failureCode: string | null;
  failureMessage: string | null;
  fraud: FraudAssessment | null;
  timeline: TimelineEntry[];
  /** True once the hold exists in the ledger (and until the transfer ends). */
  fundsHeld: boolean;
  /** The step parked in NEEDS_ATTENTION, with the last infrastructure error. */
  attention: { step: TransferStep; message: string; since: string } | null;
  review: {
    decision: 'APPROVED' | 'REJECTED' | 'TIMED_OUT';
    actor: string | null;
    reason: string | null;
    at: string;
  } | null;
  cancellation: { actor: string; reason: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
  /** Monotonic per state change; the read model only accepts newer versions. */
  version: number;
}

/** Resolves once the hold outcome is known: held (FUNDS_HELD, AWAITING_REVIEW or beyond) or refused. */
export const waitForHoldUpdate = defineUpdate<TransferSnapshot>('waitForHold');
/** Customer or support cancel. Allowed until POSTING starts; refused with CANNOT_CANCEL after. */
export const cancelTransferUpdate = defineUpdate<TransferSnapshot, [ActorInput]>('cancel');
/** Review decisions, only in AWAITING_REVIEW (else INVALID_STATE). */
export const approveTransferUpdate = defineUpdate<TransferSnapshot, [ActorInput]>('approve');
export const rejectTransferUpdate = defineUpdate<TransferSnapshot, [ActorInput]>('reject');
/** Support: re-run the step parked in NEEDS_ATTENTION (else INVALID_STATE). */
export const retryTransferUpdate = defineUpdate<TransferSnapshot, [ActorInput]>('retry');

export const transferStatusQuery = defineQuery<TransferSnapshot>('status');

/** Typed search attribute keys (registered on the server by infra/stack.sh). Opaque ids only. */
export const transferSearchAttributes = {
  status: defineSearchAttributeKey('TransferStatus', 'KEYWORD'),
  customerId: defineSearchAttributeKey('CustomerId', 'KEYWORD'),
  accountId: defineSearchAttributeKey('AccountId', 'KEYWORD'),
  amountMinor: defineSearchAttributeKey('AmountMinor', 'INT'),
  workflowKind: defineSearchAttributeKey('WorkflowKind', 'KEYWORD'),
} as const;

export const TRANSFER_WORKFLOW_KIND = 'transfer';
export const DEFAULT_REVIEW_TIMEOUT_SECONDS = 72 * 3600;
/** Default fraud rule when no engine answers: above $50,000 goes to review. */
export const FRAUD_REVIEW_THRESHOLD_MINOR = 5_000_000n;
