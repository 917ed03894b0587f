/**
 * AccountOpeningWorkflow (a saga):
 *
 *   CHECKING_KYC → CREATING_ACCOUNT → FUNDING (optional) → ANNOUNCING → OPEN
 *            any step after the account exists fails for good → COMPENSATING → FAILED
 *
 * Compensations are registered before the step they undo and run in reverse, retried until done:
 * reverse the initial deposit (back to settlement), then close the account.
 *
 * AccountLifecycleWorkflow: one support/customer action on an account (freeze, unfreeze, close):
 * ledger status change + audit, then the account.* event.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AccountActivities } from '../activities/accounts/accounts.activities';
import type { EventActivities } from '../activities/events/events.activities';
import { eventId } from '../domain/ids';
import {
  accountOpeningStatusQuery,
  type AccountLifecycleInput,
  type AccountLifecycleResult,
  type AccountOpeningInput,
  type AccountOpeningState,
  type AccountOpeningStatus,
} from './account-opening.messages';

const BUSINESS_ERRORS = [
  'KYC_REQUIRED',
  'VALIDATION_FAILED',
  'INVALID_AMOUNT',
  'UNSUPPORTED_CURRENCY',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_NOT_EMPTY',
  'ACCOUNT_CLOSED',
  'ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS',
  'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
];

/** Steps: a bounded budget, after which the step has failed "for good" and the saga compensates. */
const steps = proxyActivities<AccountActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: BUSINESS_ERRORS,
  },
});
/** Compensations: retried until they succeed. */
const undo = proxyActivities<AccountActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});
const events = proxyActivities<Pick<EventActivities, 'publishEvents'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['VALIDATION_FAILED'],
  },
});

function failureOf(err: unknown): { code: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return { code: cause.type ?? 'INTERNAL', message: cause.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export async function accountOpeningWorkflow(
  input: AccountOpeningInput,
): Promise<AccountOpeningState> {
  const wfId = workflowInfo().workflowId;
  const now = () => new Date().toISOString();
  const state: AccountOpeningState = {
    accountId: input.accountId,
    customerId: input.customerId,
    type: input.type,
    currency: input.currency,
    number: null,
    status: 'CHECKING_KYC',
    funded: false,
    failureCode: null,
    failureMessage: null,
    compensations: [],
    timeline: [{ status: 'CHECKING_KYC', at: now() }],
  };
  const moveTo = (status: AccountOpeningStatus) => {
    state.status = status;
    state.timeline.push({ status, at: now() });
  };
  setHandler(accountOpeningStatusQuery, () => state);

  // 1. KYC gate. Nothing exists yet, so a refusal needs no compensation.
  try {
    await steps.accountsRequireKyc({ customerId: input.customerId });
  } catch (err) {
    const f = failureOf(err);
    state.failureCode = f.code;
    state.failureMessage = f.message;
    moveTo('FAILED');
    throw ApplicationFailure.create({
      type: f.code,
      message: f.message,
      nonRetryable: true,
      details: [state],
    });
  }

  const compensations: { name: string; run: () => Promise<unknown> }[] = [];
  try {
    // 2. The ledger account, with its number. Undo: close it.
    moveTo('CREATING_ACCOUNT');
    compensations.push({
      name: 'close-account',
      run: () =>
        undo.accountsAbandonOpening({
          accountId: input.accountId,
          reason: state.failureCode ?? 'FAILED',
        }),
    });
    const opened = await steps.accountsCreateLedgerAccount({
      accountId: input.accountId,
      customerId: input.customerId,
      type: input.type,
      currency: input.currency,
      workflowId: wfId,
    });
    state.number = opened.number;

    // 3. Optional initial deposit from settlement. Undo: reverse it (registered first).
    if (input.initialDeposit && input.initialDeposit !== '0') {
      moveTo('FUNDING');
      compensations.push({
        name: 'reverse-initial-deposit',
        run: () =>
          undo.accountsReverseInitialDeposit({
            accountId: input.accountId,
            currency: input.currency,
          }),
      });
      await steps.accountsFundInitialDeposit({
        accountId: input.accountId,
        amount: input.initialDeposit,
        currency: input.currency,
      });
      state.funded = true;
    }

    // 4. account.opened, 5. the welcome notice.
    moveTo('ANNOUNCING');
    await events.publishEvents([
      {
        id: eventId(wfId, 'opened'),
        type: 'account.opened',
        subject: input.accountId,
        dataVersion: 1,
        data: {
          accountId: input.accountId,
          customerId: input.customerId,
          currency: input.currency,
          type: input.type,
          initialDeposit: input.initialDeposit ?? '0',
        },
        time: now(),
      },
    ]);
    await steps.accountsSendWelcome({
      noticeId: eventId(wfId, 'welcome'),
      customerId: input.customerId,
      accountId: input.accountId,
      number: opened.number,
      type: input.type,
    });
    await steps.accountsMarkOpen({ accountId: input.accountId });
    moveTo('OPEN');
    return state;
  } catch (err) {
    const f = failureOf(err);
    state.failureCode = f.code;
    state.failureMessage = f.message;
    moveTo('COMPENSATING');
    for (const c of compensations.reverse()) {
      await c.run();
      state.compensations.push(c.name);
    }
    state.funded = false;
    moveTo('FAILED');
    throw ApplicationFailure.create({
      type: 'ACCOUNT_OPENING_FAILED',
      message: `Account opening failed (${f.code}): ${f.message}`,
      nonRetryable: true,
      details: [state],
    });
  }
}

const LIFECYCLE = {
  FREEZE: { status: 'FROZEN', event: 'account.frozen' },
  UNFREEZE: { status: 'ACTIVE', event: 'account.unfrozen' },
  CLOSE: { status: 'CLOSED', event: 'account.closed' },
} as const;

export async function accountLifecycleWorkflow(
  input: AccountLifecycleInput,
): Promise<AccountLifecycleResult> {
  const wfId = workflowInfo().workflowId;
  const target = LIFECYCLE[input.action];
  const account = await steps.accountsGet({ accountId: input.accountId });
  const result = await steps.accountsSetStatus({
    accountId: input.accountId,
    status: target.status,
    actor: input.actor,
    actorRoles: input.actorRoles,
    reason: input.reason,
    auditKey: wfId,
  });
  if (result.changed) {
    await events.publishEvents([
      {
        id: eventId(wfId, target.event),
        type: target.event,
        subject: input.accountId,
        dataVersion: 1,
        data: {
          accountId: input.accountId,
          customerId: account.customerId ?? 'bank',
          currency: account.currency,
          type: account.type ?? undefined,
          reason: input.reason,
          actor: input.actor,
        },
        time: new Date().toISOString(),
      },
    ]);
  }
  return { accountId: input.accountId, from: result.from, to: result.to, changed: result.changed };
}
