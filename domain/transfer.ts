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
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export const TERMINAL_TRANSFER_STATUSES: readonly TransferStatus[] = [
  'COMPLETED',
  'CANCELLED',
  'REJECTED',
  'FAILED',
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
