/**
 * Domain event types, published as CloudEvents 1.0 on one Kafka topic per domain.
 * The `type` attribute is `com.harbor.<domain>.<event>`. Workflow-safe.
 */
export const EVENT_SOURCE = '/harbor-bank';
export const EVENT_TYPE_PREFIX = 'com.harbor';

export const TOPICS = {
  transactions: 'transactions',
  accounts: 'accounts',
  customers: 'customers',
  fraud: 'fraud',
  notifications: 'notifications',
  scheduledPayments: 'scheduled-payments',
  deadLetter: 'dead-letter',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const EVENT_TYPES = {
  'transfer.initiated': TOPICS.transactions,
  'transfer.funds_held': TOPICS.transactions,
  'transfer.awaiting_review': TOPICS.transactions,
  'transfer.completed': TOPICS.transactions,
  'transfer.failed': TOPICS.transactions,
  'transfer.cancelled': TOPICS.transactions,
  'transfer.rejected': TOPICS.transactions,
  'transfer.reversed': TOPICS.transactions,
  'account.opened': TOPICS.accounts,
  'account.frozen': TOPICS.accounts,
  'account.unfrozen': TOPICS.accounts,
  'account.closed': TOPICS.accounts,
  'kyc.submitted': TOPICS.customers,
  'kyc.approved': TOPICS.customers,
  'kyc.rejected': TOPICS.customers,
  'fraud.alert': TOPICS.fraud,
  'scheduled_payment.created': TOPICS.scheduledPayments,
  'scheduled_payment.occurrence_completed': TOPICS.scheduledPayments,
  'scheduled_payment.occurrence_skipped': TOPICS.scheduledPayments,
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export function cloudEventType(type: EventType): string {
  return `${EVENT_TYPE_PREFIX}.${type}`;
}

export function topicFor(type: EventType): Topic {
  return EVENT_TYPES[type];
}

/** What a workflow hands to the publish activity. The activity wraps it in a CloudEvent. */
export interface DomainEventInput {
  /** Deterministic: `eventId(workflowId, step)`. */
  id: string;
  type: EventType;
  /** The aggregate id: the Kafka record key, so per-aggregate order holds. */
  subject: string;
  /** Schema version of `data`. */
  dataVersion: number;
  data: Record<string, unknown>;
  /** ISO-8601, taken from workflow time so a retry republishes the same event. */
  time: string;
}

/**
 * Current schema version of each event's `data` (the CloudEvent `dataschema` is
 * `urn:harbor:events:<type>:v<version>`). The zod schemas live in activities/events/event-schemas.ts
 * and are checked in tests. A breaking change adds a version; consumers accept every version they know.
 */
export const EVENT_DATA_VERSION = 1;

/** Shape of `data` (v1) for transfer.* events. Amounts are MinorString. */
export interface TransferEventDataV1 {
  transferId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: string;
  toCustomerId?: string;
  memo?: string | null;
  failureCode?: string;
  reason?: string;
}
/** account.* v1 */
export interface AccountEventDataV1 {
  accountId: string;
  customerId: string;
  currency: string;
  type?: string;
  reason?: string;
}
/** kyc.* v1 */
export interface KycEventDataV1 {
  customerId: string;
  reasons?: string[];
}
/** fraud.alert v1 */
export interface FraudAlertDataV1 {
  transferId: string;
  caseId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: string;
  score: number;
  decision: 'REVIEW' | 'BLOCK';
  reasons: { rule: string; value: string; weight: number }[];
}
/** scheduled_payment.* v1 */
export interface ScheduledPaymentEventDataV1 {
  scheduleId: string;
  customerId: string;
  fromAccountId?: string;
  toAccountId?: string;
  amount?: string;
  currency?: string;
  dueDate?: string;
  transferId?: string;
  reason?: string;
}
