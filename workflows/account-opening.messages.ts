/**
 * AccountOpeningWorkflow and AccountLifecycleWorkflow contracts. Workflow-safe.
 */
import { defineQuery } from '@temporalio/workflow';
import type { MinorString } from '../domain/money';

export type AccountProductType = 'CHECKING' | 'SAVINGS';

export interface AccountOpeningInput {
  accountId: string;
  customerId: string;
  type: AccountProductType;
  currency: string;
  /** Optional funding from the settlement account, in minor units. */
  initialDeposit?: MinorString;
}

export type AccountOpeningStatus =
  | 'CHECKING_KYC'
  | 'CREATING_ACCOUNT'
  | 'FUNDING'
  | 'ANNOUNCING'
  | 'OPEN'
  | 'COMPENSATING'
  | 'FAILED';

export interface AccountOpeningState {
  accountId: string;
  customerId: string;
  type: AccountProductType;
  currency: string;
  number: string | null;
  status: AccountOpeningStatus;
  funded: boolean;
  failureCode: string | null;
  failureMessage: string | null;
  compensations: string[];
  timeline: { status: AccountOpeningStatus; at: string }[];
}

export const accountOpeningStatusQuery = defineQuery<AccountOpeningState>('accountOpeningStatus');

export type AccountLifecycleAction = 'FREEZE' | 'UNFREEZE' | 'CLOSE';

export interface AccountLifecycleInput {
  accountId: string;
  action: AccountLifecycleAction;
  /** usr_… of the support agent or the customer; `system:<what>` for automation. */
  actor: string;
  actorRoles?: string[];
  reason: string;
  /** Unique per request (the workflow id carries it), so the audit row is written once. */
  requestId: string;
}

export interface AccountLifecycleResult {
  accountId: string;
  from: string;
  to: string;
  changed: boolean;
}
