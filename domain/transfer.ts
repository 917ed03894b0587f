/** Transfer lifecycle shared by the workflow, the API and the web client. Workflow-safe. */
export const TRANSFER_STATUSES = [
  'PENDING',
  'FUNDS_HELD',
  'AWAITING_REVIEW',
  'POSTING',
  'COMPLETED',
  'NEEDS_ATTENTION',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  /** A COMPLETED transfer that support reversed (transferReversalWorkflow): the money went back. */
  'REVERSED',
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export const TERMINAL_TRANSFER_STATUSES: readonly TransferStatus[] = [
  'COMPLETED',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  'REVERSED',
];

export function isTerminalTransferStatus(status: TransferStatus): boolean {
  return TERMINAL_TRANSFER_STATUSES.includes(status);
}

export type FraudDecision = 'ALLOW' | 'REVIEW' | 'BLOCK';

export interface FraudReason {
  rule: string;
  value: string;
  weight: number;
}

export interface FraudAssessment {
  score: number;
  decision: FraudDecision;
  reasons: FraudReason[];
}

export interface TimelineEntry {
  status: TransferStatus;
  at: string; // ISO-8601
  note?: string;
}

/** Search attributes registered on the Temporal server (see infra/stack.sh). Opaque ids only. */
export const SEARCH_ATTRIBUTES = {
  TransferStatus: 'TransferStatus',
  CustomerId: 'CustomerId',
  AccountId: 'AccountId',
  AmountMinor: 'AmountMinor',
  WorkflowKind: 'WorkflowKind',
} as const;

export const TASK_QUEUE = 'harbor-bank';

/** Input of the fraud `scoreTransfer` activity (activities/fraud). Amounts as MinorString. */
export interface ScoreTransferInput {
  transferId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  /** Decimal string of minor units. */
  amount: string;
  currency: string;
  /** ISO-8601 workflow time of the transfer: scoring windows are anchored here, never on the clock. */
  at: string;
  /** Optional: when the source account was opened (ISO-8601), for the fresh-account rule. */
  fromAccountOpenedAt?: string;
}

/** What happened to a transfer, for the thin notify activity (activities/notify). */
export type TransferNotificationKind =
  'completed' | 'failed' | 'cancelled' | 'rejected' | 'awaiting_review' | 'reversed';

/** Input of `notifyTransferParties`: idempotent per (transferId, kind, party). */
export interface NotifyTransferPartiesInput {
  transferId: string;
  kind: TransferNotificationKind;
  fromCustomerId: string;
  /** The payee's customer, when known: gets a "money received" notice on completion. */
  toCustomerId?: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: string;
  failureCode?: string;
}
