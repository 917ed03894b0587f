/**
 * Ids are opaque strings with a type prefix. Derived ids (workflow ids, ledger transfer ids,
 * event ids) are pure functions of their parents so that any retry recomputes the same id.
 * Pure and deterministic: safe in workflow code.
 */
export type TransferId = string;

export const ID_PREFIX = {
  customer: 'cus',
  user: 'usr',
  account: 'acc',
  transfer: 'trf',
  schedule: 'sch',
  kyc: 'kyc',
  document: 'doc',
  notification: 'ntf',
  fraudRule: 'frl',
  fraudCase: 'frc',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const OPAQUE_ID = /^[a-z]{3}_[A-Za-z0-9_-]{6,64}$/;

export function isOpaqueId(value: unknown, kind?: IdKind): value is string {
  if (typeof value !== 'string' || !OPAQUE_ID.test(value)) return false;
  return kind === undefined || value.startsWith(`${ID_PREFIX[kind]}_`);
}

export const workflowIds = {
  transfer: (transferId: string) => `transfer-${transferId}`,
  /** Support's reversal of a completed transfer (one id per transfer: a rerun replays). */
  transferReversal: (transferId: string) => `transfer-reversal-${transferId}`,
  kyc: (customerId: string) => `kyc-${customerId}`,
  accountOpening: (accountId: string) => `account-opening-${accountId}`,
  scheduledPayment: (scheduleId: string) => `scheduled-payment-${scheduleId}`,
  /** One occurrence of a schedule: deterministic from the schedule and its due date. */
  scheduledOccurrence: (scheduleId: string, dueDate: string) => `${scheduleId}-${dueDate}`,
  deposit: (reference: string) => `deposit-${reference}`,
} as const;

/** Ledger transfer ids for each step of a transfer saga. */
export const ledgerIds = {
  hold: (transferId: string) => `${transferId}:hold`,
  post: (transferId: string) => `${transferId}:post`,
  void: (transferId: string) => `${transferId}:void`,
  reversal: (transferId: string) => `${transferId}:reversal`,
} as const;

/** The bank's own ledger accounts, one per currency (created by `ensureSystemAccounts`). */
export const systemAccountIds = {
  settlement: (currency: string) => `acc_settlement_${currency.toLowerCase()}`,
  fees: (currency: string) => `acc_fees_${currency.toLowerCase()}`,
} as const;

/** Event ids are deterministic from the workflow id and the step, so republishing dedupes. */
export function eventId(workflowId: string, step: string): string {
  return `${workflowId}:${step}`;
}

/** Ledger transfer ids of account opening: the initial deposit and its reversal (compensation). */
export const accountLedgerIds = {
  initialDeposit: (accountId: string) => `${accountId}:initial-deposit`,
  initialDepositReversal: (accountId: string) => `${accountId}:initial-deposit:reversal`,
} as const;

/**
 * The transfer id of one occurrence of a scheduled payment, from the schedule id and the due time
 * (compact UTC, e.g. `20260131T090000Z`). The TransferWorkflow id derives from it, so a retry, a
 * catch-up or a duplicate trigger of the same occurrence can never start a second payment.
 */
export function scheduledOccurrenceTransferId(scheduleId: string, dueAt: string): string {
  const compact = dueAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `trf_${scheduleId.replace(/^sch_/, '')}_${compact}`;
}
