/**
 * Account commands for the API: open (starts AccountOpeningWorkflow after the KYC gate), and the
 * lifecycle actions freeze / unfreeze / close, each run as a short AccountLifecycleWorkflow so the
 * status change, its audit row and its event happen durably, exactly once.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bankAccounts } from '../../db/schema/accounts';
import { kycApplications } from '../../db/schema/kyc';
import { accounts } from '../../db/schema/ledger';
import { DomainError, isErrorCode } from '../../domain/errors';
import { ID_PREFIX, workflowIds } from '../../domain/ids';
import { assertCurrency, minorToString, toPositiveMinor } from '../../domain/money';
import type {
  AccountLifecycleAction,
  AccountLifecycleResult,
  AccountOpeningState,
  AccountProductType,
} from '../../workflows/account-opening.messages';
import { accountOpeningStatusQuery } from '../../workflows/account-opening.messages';

export interface AccountServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export interface OpenAccountInput {
  type: AccountProductType;
  currency: string;
  /** Minor units. */
  initialDeposit?: number | bigint;
}

export function newAccountId(): string {
  return `${ID_PREFIX.account}_${randomBytes(12).toString('base64url')}`;
}

export async function kycStatusOf(db: Db, customerId: string): Promise<string> {
  const [row] = await db
    .select({ status: kycApplications.status })
    .from(kycApplications)
    .where(eq(kycApplications.customerId, customerId))
    .orderBy(desc(kycApplications.attempt))
    .limit(1);
  return row?.status ?? 'NOT_STARTED';
}

/** 403 KYC_REQUIRED without approved KYC; otherwise starts the opening saga → 202. */
export async function openAccount(
  deps: AccountServiceDeps,
  customerId: string,
  input: OpenAccountInput,
  accountId: string = newAccountId(),
): Promise<{ id: string; status: 'OPENING'; workflowId: string }> {
  if (input.type !== 'CHECKING' && input.type !== 'SAVINGS') {
    throw new DomainError('VALIDATION_FAILED', 'type must be CHECKING or SAVINGS', {
      field: 'type',
    });
  }
  const currency = assertCurrency(input.currency);
  const initialDeposit =
    input.initialDeposit === undefined || input.initialDeposit === 0 || input.initialDeposit === 0n
      ? undefined
      : minorToString(toPositiveMinor(input.initialDeposit));
  const kyc = await kycStatusOf(deps.db, customerId);
  if (kyc !== 'APPROVED') {
    throw new DomainError('KYC_REQUIRED', 'Approved KYC is required to open an account', {
      kycStatus: kyc,
    });
  }
  const workflowId = workflowIds.accountOpening(accountId);
  await deps.temporal.workflow.start('accountOpeningWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ accountId, customerId, type: input.type, currency, initialDeposit }],
  });
  return { id: accountId, status: 'OPENING', workflowId };
}

export async function getOpeningState(
  deps: Pick<AccountServiceDeps, 'temporal'>,
  accountId: string,
): Promise<AccountOpeningState> {
  return deps.temporal.workflow
    .getHandle(workflowIds.accountOpening(accountId))
    .query(accountOpeningStatusQuery);
}

export function lifecycleWorkflowId(accountId: string, requestId: string): string {
  return `account-lifecycle-${accountId}-${requestId}`;
}

/** Runs one lifecycle action and waits for it; business refusals come back as DomainErrors. */
export async function changeAccountStatus(
  deps: AccountServiceDeps,
  input: {
    accountId: string;
    action: AccountLifecycleAction;
    actor: string;
    actorRoles?: string[];
    reason: string;
    requestId?: string;
  },
): Promise<AccountLifecycleResult> {
  const [exists] = await deps.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.id, input.accountId));
  if (!exists) throw new DomainError('ACCOUNT_NOT_FOUND', 'Account not found');
  const requestId = input.requestId ?? randomBytes(9).toString('base64url');
  try {
    return await deps.temporal.workflow.execute('accountLifecycleWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: lifecycleWorkflowId(input.accountId, requestId),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ ...input, requestId }],
    });
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause instanceof ApplicationFailure ? err.cause : err.cause?.cause;
      if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
        throw new DomainError(
          cause.type,
          cause.message,
          (cause.details?.[0] as Record<string, unknown>) ?? {},
        );
      }
    }
    throw err;
  }
}

/** The accounts a customer opened (opening status and number), newest first. */
export async function listOpenings(db: Db, customerId: string) {
  return db
    .select()
    .from(bankAccounts)
    .where(eq(bankAccounts.customerId, customerId))
    .orderBy(desc(bankAccounts.createdAt));
}
