/**
 * TransferWorkflow: one money transfer as a saga.
 *
 *   PENDING → FUNDS_HELD → (AWAITING_REVIEW) → POSTING → COMPLETED
 *                  ↘ CANCELLED | REJECTED | FAILED   (hold voided)
 *   any step out of retries → NEEDS_ATTENTION (hold kept) → support: retry | cancel
 *
 * Reads top to bottom as the business process. Business outcomes are results, not workflow
 * failures: the workflow always returns its final snapshot. Every activity is keyed by ids derived
 * from the transfer id and the step (`ledgerIds`, `eventId`), so retries and replays are no-ops.
 * Changes to this file that alter the command sequence must be guarded with `patched()`: see
 * docs/workflow-versioning.md and the replay test.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { EventActivities } from '../activities/events/events.activities';
import type { TransferActivities } from '../activities/transfers/transfers.activities';
import { DomainError, isDomainError, isErrorCode, type ErrorCode } from '../domain/errors';
import type { DomainEventInput, EventType } from '../domain/events';
import { eventId, ledgerIds } from '../domain/ids';
import { isCurrency, toPositiveMinor, type MinorString } from '../domain/money';
import {
  isTerminalTransferStatus,
  type FraudAssessment,
  type NotifyTransferPartiesInput,
  type ScoreTransferInput,
  type TransferNotificationKind,
  type TransferStatus,
} from '../domain/transfer';
import { initialTransferSnapshot } from '../domain/transfer-snapshot';
import {
  DEFAULT_REVIEW_TIMEOUT_SECONDS,
  FRAUD_REVIEW_THRESHOLD_MINOR,
  TRANSFER_WORKFLOW_KIND,
  approveTransferUpdate,
  cancelTransferUpdate,
  rejectTransferUpdate,
  retryTransferUpdate,
  transferSearchAttributes as SA,
  transferStatusQuery,
  waitForHoldUpdate,
  type ActorInput,
  type TransferInput,
  type TransferSnapshot,
  type TransferStep,
} from './transfer.messages';

/** What the saga needs from the ledger (activities/ledger). Amounts are MinorString. */
export interface TransferLedgerActivities {
  getAccountForTransfer(accountId: string): Promise<TransferAccountView>;
  holdFunds(input: LedgerHoldInput): Promise<unknown>;
  postHold(input: {
    id: string;
    pendingId: string;
    amount?: MinorString;
    reference?: string;
  }): Promise<unknown>;
  voidHold(input: { id: string; pendingId: string; reference?: string }): Promise<unknown>;
}
export interface TransferAccountView {
  id: string;
  customerId: string | null;
  currency: string;
  status: 'ACTIVE' | 'FROZEN' | 'CLOSED' | string;
}
export interface LedgerHoldInput {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: MinorString;
  currency: string;
  reference?: string;
}
export interface TransferFraudActivities {
  scoreTransfer(input: ScoreTransferInput): Promise<FraudAssessment>;
}
export interface TransferNotifyActivities {
  notifyTransferParties(input: NotifyTransferPartiesInput): Promise<unknown>;
}

/** Per-step retry budget. Past it, an infrastructure failure parks the transfer in NEEDS_ATTENTION. */
const STEP_RETRY = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
} as const;
/** Compensations and bookkeeping are idempotent and must eventually happen: retried forever. */
const FOREVER = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
} as const;

/** Infrastructure codes: they never decide a transfer's fate. */
const INFRA_CODES: ReadonlySet<string> = new Set<ErrorCode>(['DEPENDENCY_UNAVAILABLE', 'INTERNAL']);

/** The business code carried by a failure, if it is one (else it is infrastructure). */
function businessCode(err: unknown): ErrorCode | undefined {
  if (isDomainError(err)) return err.code;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (
    cause instanceof ApplicationFailure &&
    cause.nonRetryable &&
    isErrorCode(cause.type) &&
    !INFRA_CODES.has(cause.type)
  ) {
    return cause.type;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Thrown inside the workflow to unwind to the compensation block. */
class TransferStopped extends Error {
  constructor(
    readonly outcome: 'CANCELLED' | 'REJECTED' | 'FAILED',
    readonly code: ErrorCode | null,
    message: string,
  ) {
    super(message);
  }
}

export interface TransferWorkflowOptions {
  /** Overrides the step retry budget (ops tuning; tests use a small one). */
  stepRetry?: { maximumAttempts?: number; initialIntervalMs?: number; maximumIntervalMs?: number };
}

export async function transferWorkflow(
  input: TransferInput & TransferWorkflowOptions,
): Promise<TransferSnapshot> {
  const { workflowId } = workflowInfo();
  const now = () => new Date().toISOString();
  const createdAt = now();

  // --- activities -------------------------------------------------------------------------------
  const stepRetry = {
    ...STEP_RETRY,
    ...(input.stepRetry?.maximumAttempts !== undefined && {
      maximumAttempts: input.stepRetry.maximumAttempts,
    }),
    ...(input.stepRetry?.initialIntervalMs !== undefined && {
      initialInterval: input.stepRetry.initialIntervalMs,
    }),
    ...(input.stepRetry?.maximumIntervalMs !== undefined && {
      maximumInterval: input.stepRetry.maximumIntervalMs,
    }),
  };
  const stepOptions: ActivityOptions = { startToCloseTimeout: '15 seconds', retry: stepRetry };
  const ledger = proxyActivities<TransferLedgerActivities>(stepOptions);
  // Short, idempotent DB steps that move no money (the account reads and the read-model sync) run
  // as local activities: in the worker, recorded as markers, without a round trip through the
  // server's task queues per call. The money steps (hold, post, void), fraud, Kafka and
  // notifications stay regular activities, visible as such in the Web UI. Older runs used regular
  // activities throughout.
  const localDbSteps = patched('transfer-local-db-steps-v1');
  const reads = localDbSteps
    ? proxyLocalActivities<Pick<TransferLedgerActivities, 'getAccountForTransfer'>>(stepOptions)
    : ledger;
  const fraud = proxyActivities<TransferFraudActivities>(stepOptions);
  const compensation = proxyActivities<TransferLedgerActivities>({
    startToCloseTimeout: '15 seconds',
    retry: FOREVER,
  });
  const books = proxyActivities<
    Pick<TransferActivities, 'syncTransfer'> & Pick<EventActivities, 'publishEvents'>
  >({
    startToCloseTimeout: '15 seconds',
    retry: FOREVER,
  });
  const readModel = localDbSteps
    ? proxyLocalActivities<Pick<TransferActivities, 'syncTransfer'>>({
        startToCloseTimeout: '15 seconds',
        retry: FOREVER,
      })
    : books;
  const notify = proxyActivities<TransferNotifyActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { ...stepRetry, maximumAttempts: 5 },
  });

  // --- state ------------------------------------------------------------------------------------
  const state: TransferSnapshot = initialTransferSnapshot(input, workflowId, createdAt, 1);
  let holdOutcomeKnown = false;
  let postingStarted = false;
  let cancelRequest: ActorInput | undefined;
  let reviewDecision: { approve: boolean; actor: string; reason: string } | undefined;
  let supportRetry: ActorInput | undefined;
  let toCustomerId: string | undefined;
  const snapshot = (): TransferSnapshot => JSON.parse(JSON.stringify(state)) as TransferSnapshot;

  function setStatus(status: TransferStatus, note?: string): void {
    const at = now();
    state.status = status;
    state.timeline.push(note === undefined ? { status, at } : { status, at, note });
    state.updatedAt = at;
    state.version += 1;
    upsertSearchAttributes([{ key: SA.status, value: status }]);
    scheduleSync();
  }

  // --- read model: coalesced, ordered, idempotent (version-guarded) writes ------------------------
  let syncedVersion = 0;
  let syncing = false;
  function scheduleSync(): void {
    if (syncing) return;
    syncing = true;
    void (async () => {
      try {
        while (syncedVersion < state.version) {
          const snap = snapshot();
          await readModel.syncTransfer(snap);
          syncedVersion = snap.version;
        }
      } catch (err) {
        log.error('transfer read model sync failed', { error: messageOf(err) });
        syncedVersion = Number.MAX_SAFE_INTEGER;
      } finally {
        syncing = false;
      }
    })();
  }

  // --- domain events: an in-workflow outbox, published in order, retried until sent --------------
  const outbox: DomainEventInput[] = [];
  let publishedCount = 0;
  let publishing = false;
  function emit(type: EventType, extra: { failureCode?: string; reason?: string } = {}): void {
    const step = type.slice('transfer.'.length);
    outbox.push({
      id: eventId(workflowId, step),
      type,
      subject: input.transferId,
      dataVersion: 1,
      time: now(),
      data: {
        transferId: input.transferId,
        customerId: input.customerId,
        fromAccountId: input.fromAccountId,
        toAccountId: input.toAccountId,
        amount: input.amount,
        currency: input.currency,
        ...(toCustomerId !== undefined && { toCustomerId }),
        ...(input.memo !== undefined && { memo: input.memo }),
        ...extra,
      },
    });
    if (publishing) return;
    publishing = true;
    void (async () => {
      try {
        while (publishedCount < outbox.length) {
          const batch = outbox.slice(publishedCount);
          await books.publishEvents(batch);
          publishedCount += batch.length;
        }
      } catch (err) {
        log.error('transfer event publish failed', { error: messageOf(err) });
        publishedCount = outbox.length;
      } finally {
        publishing = false;
      }
    })();
  }
  const outboxDrained = () => !publishing && publishedCount >= outbox.length;

  async function notifyParties(kind: TransferNotificationKind): Promise<void> {
    try {
      await notify.notifyTransferParties({
        transferId: input.transferId,
        kind,
        fromCustomerId: input.customerId,
        ...(toCustomerId !== undefined && { toCustomerId }),
        fromAccountId: input.fromAccountId,
        toAccountId: input.toAccountId,
        amount: input.amount,
        currency: input.currency,
        ...(state.failureCode !== null && { failureCode: state.failureCode }),
      });
    } catch (err) {
      // Notifications are best effort: the money outcome is already final and published as events.
      log.warn('transfer notification failed', { kind, error: messageOf(err) });
    }
  }

  // --- messages -------------------------------------------------------------------------------
  setHandler(transferStatusQuery, snapshot);

  setHandler(waitForHoldUpdate, async () => {
    await condition(() => holdOutcomeKnown);
    return snapshot();
  });

  setHandler(
    cancelTransferUpdate,
    async (req) => {
      cancelRequest ??= req;
      await condition(() => isTerminalTransferStatus(state.status));
      return snapshot();
    },
    {
      validator: (req) => {
        requireActor(req);
        if (state.status === 'CANCELLED') return;
        if (postingStarted) {
          throw refuse(
            'CANNOT_CANCEL',
            'Posting has started: the money is being moved and can no longer be cancelled',
          );
        }
        if (isTerminalTransferStatus(state.status)) {
          throw refuse('CANNOT_CANCEL', `The transfer is already ${state.status}`);
        }
      },
    },
  );

  const reviewValidator = (req: ActorInput) => {
    requireActor(req);
    if (
      state.status !== 'AWAITING_REVIEW' ||
      reviewDecision !== undefined ||
      cancelRequest !== undefined
    ) {
      throw refuse('INVALID_STATE', `The transfer is ${state.status}, not awaiting review`);
    }
  };
  const decide = (approve: boolean) => async (req: ActorInput) => {
    reviewDecision = { approve, ...req };
    await condition(() => state.status !== 'AWAITING_REVIEW');
    return snapshot();
  };
  setHandler(approveTransferUpdate, decide(true), { validator: reviewValidator });
  setHandler(rejectTransferUpdate, decide(false), { validator: reviewValidator });

  setHandler(
    retryTransferUpdate,
    async (req) => {
      supportRetry = req;
      await condition(() => supportRetry === undefined);
      return snapshot();
    },
    {
      validator: (req) => {
        requireActor(req);
        if (state.status !== 'NEEDS_ATTENTION' || supportRetry !== undefined) {
          throw refuse('INVALID_STATE', `The transfer is ${state.status}, not NEEDS_ATTENTION`);
        }
      },
    },
  );

  /**
   * Runs one step. A business failure propagates; an infrastructure failure that outlived the
   * retry budget parks the transfer in NEEDS_ATTENTION (the hold stays) until support retries
   * the step or cancels the transfer.
   */
  async function step<T>(name: TransferStep, fn: () => Promise<T>, cancellable = true): Promise<T> {
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (businessCode(err) !== undefined) throw err;
        const resume = state.status;
        state.attention = { step: name, message: messageOf(err).slice(0, 500), since: now() };
        setStatus('NEEDS_ATTENTION', `${name} out of retries`);
        await condition(
          () =>
            supportRetry !== undefined ||
            (cancellable && cancelRequest !== undefined && !postingStarted),
        );
        state.attention = null;
        if (supportRetry === undefined) throw cancelled();
        setStatus(resume, `retry ${name} by ${supportRetry.actor}: ${supportRetry.reason}`);
        supportRetry = undefined;
      }
    }
  }

  const cancelled = () =>
    new TransferStopped('CANCELLED', null, `Cancelled by ${cancelRequest?.actor ?? 'unknown'}`);
  const throwIfCancelled = () => {
    if (cancelRequest !== undefined) throw cancelled();
  };

  // --- the story ------------------------------------------------------------------------------
  upsertSearchAttributes([
    { key: SA.workflowKind, value: TRANSFER_WORKFLOW_KIND },
    { key: SA.customerId, value: input.customerId },
    { key: SA.accountId, value: input.fromAccountId },
    { key: SA.status, value: 'PENDING' },
    ...amountAttribute(input.amount),
  ]);
  scheduleSync();

  const compensations: (() => Promise<void>)[] = [];
  let validated = false;
  try {
    // 1. Validate: input, then both accounts.
    const amount = validateInput(input);
    const [from, to] = await step('validate', () =>
      Promise.all([
        reads.getAccountForTransfer(input.fromAccountId),
        reads.getAccountForTransfer(input.toAccountId),
      ]),
    );
    validateAccounts(input, from, to);
    toCustomerId = to.customerId ?? undefined;
    validated = true;
    throwIfCancelled();

    // 2. Hold the funds. Its compensation is registered first: void, retried until done.
    compensations.unshift(async () => {
      // Retried forever; a refusal the ledger cannot get past parks it for support (never lost).
      await step('void', () => voidHold(compensation, input.transferId), false);
      state.fundsHeld = false;
    });
    await step('hold', () =>
      ledger.holdFunds({
        id: ledgerIds.hold(input.transferId),
        debitAccountId: input.fromAccountId,
        creditAccountId: input.toAccountId,
        amount: input.amount,
        currency: input.currency,
        reference: input.transferId,
      }),
    );
    state.fundsHeld = true;
    holdOutcomeKnown = true;
    setStatus('FUNDS_HELD');
    emit('transfer.initiated');
    emit('transfer.funds_held');
    throwIfCancelled();

    // 3. Score fraud.
    const assessment = await step('score', () =>
      fraud.scoreTransfer({
        transferId: input.transferId,
        customerId: input.customerId,
        fromAccountId: input.fromAccountId,
        toAccountId: input.toAccountId,
        amount: input.amount,
        currency: input.currency,
        at: createdAt,
      }),
    );
    state.fraud = withDefaultRule(assessment, amount);
    throwIfCancelled();
    if (state.fraud.decision === 'BLOCK') {
      throw new TransferStopped('REJECTED', 'FRAUD_BLOCKED', 'Blocked by fraud rules');
    }

    // 4. Review, when needed: approve, reject, or time out (which rejects).
    if (state.fraud.decision === 'REVIEW') {
      setStatus('AWAITING_REVIEW');
      emit('transfer.awaiting_review');
      await notifyParties('awaiting_review');
      const timeoutMs = (input.reviewTimeoutSeconds ?? DEFAULT_REVIEW_TIMEOUT_SECONDS) * 1000;
      const decided = await condition(
        () => reviewDecision !== undefined || cancelRequest !== undefined,
        timeoutMs,
      );
      throwIfCancelled();
      if (!decided || reviewDecision === undefined) {
        state.review = { decision: 'TIMED_OUT', actor: null, reason: null, at: now() };
        throw new TransferStopped('REJECTED', 'REVIEW_TIMED_OUT', 'Review timed out');
      }
      const { approve, actor, reason } = reviewDecision;
      state.review = { decision: approve ? 'APPROVED' : 'REJECTED', actor, reason, at: now() };
      if (!approve)
        throw new TransferStopped('REJECTED', 'REVIEW_REJECTED', `Rejected in review: ${reason}`);
    }

    // 5. Post the hold. From here on, cancel is refused.
    throwIfCancelled();
    postingStarted = true;
    setStatus('POSTING');
    await step('post', () =>
      ledger.postHold({
        id: ledgerIds.post(input.transferId),
        pendingId: ledgerIds.hold(input.transferId),
        reference: input.transferId,
      }),
    );
    compensations.length = 0;
    state.fundsHeld = false;

    // 6. Publish the domain events (the outbox drains, retried until Kafka takes them).
    emit('transfer.completed');
    if (patched('transfer-completed-before-outbox-v1')) {
      // The money has moved: a Kafka outage must not hold the customer's transfer in POSTING.
      // The outbox still drains before the workflow closes (the final condition below).
      setStatus('COMPLETED');
      // 7. Notify both parties (best effort).
      await notifyParties('completed');
    } else {
      await condition(outboxDrained);
      await notifyParties('completed');
      setStatus('COMPLETED');
    }
  } catch (err) {
    const stop = toStop(err);
    for (const undo of compensations) await undo();
    holdOutcomeKnown = true;
    if (stop.outcome === 'CANCELLED' && cancelRequest) {
      state.cancellation = { ...cancelRequest, at: now() };
    }
    state.failureCode = stop.code;
    state.failureMessage = stop.message;
    setStatus(stop.outcome, stop.code ?? undefined);
    // A transfer refused by validation (before any hold) is announced too: transfer.failed with
    // its code, so consumers and the sender hear of every outcome. Older runs did not emit it.
    if (validated || patched('transfer-refusal-event-v1')) {
      const type = `transfer.${stop.outcome.toLowerCase()}` as EventType;
      emit(type, {
        ...(stop.code !== null && { failureCode: stop.code }),
        reason: stop.message.slice(0, 500),
      });
      await notifyParties(stop.outcome.toLowerCase() as TransferNotificationKind);
    }
  }

  // Leave nothing behind: events sent, read model current, every update answered.
  await condition(
    () => outboxDrained() && !syncing && syncedVersion >= state.version && allHandlersFinished(),
  );
  return snapshot();
}

function toStop(err: unknown): TransferStopped {
  if (err instanceof TransferStopped) return err;
  const code = businessCode(err);
  if (code !== undefined) return new TransferStopped('FAILED', code, messageOf(err));
  throw err; // a bug in workflow code: fail the workflow task and let it be fixed and retried
}

/**
 * The hold's compensation: void it under the saga's own void id. Idempotent: a replay of that id
 * (e.g. the first attempt committed but its reply was lost) returns the existing void, and a hold
 * that is gone for another reason (never placed, voided or expired already) leaves nothing to
 * release. A hold that was *posted* is not released: money moved, so the saga must not report a
 * cancel as done; it parks for support.
 */
async function voidHold(ledger: TransferLedgerActivities, transferId: string): Promise<void> {
  try {
    await ledger.voidHold({
      id: ledgerIds.void(transferId),
      pendingId: ledgerIds.hold(transferId),
      reference: transferId,
    });
  } catch (err) {
    const code = businessCode(err);
    if (
      code === 'PENDING_TRANSFER_ALREADY_RESOLVED' &&
      resolutionOf(err) === 'post_pending' &&
      patched('transfer-void-refuses-posted-hold-v1')
    ) {
      throw new Error(`void refused: hold ${ledgerIds.hold(transferId)} was already posted`);
    }
    if (
      code === 'PENDING_TRANSFER_NOT_FOUND' ||
      code === 'PENDING_TRANSFER_ALREADY_RESOLVED' ||
      code === 'PENDING_TRANSFER_EXPIRED'
    ) {
      return;
    }
    // Unexpected refusal (e.g. a conflicting id): not a business outcome of this transfer.
    throw new Error(`void refused: ${messageOf(err)}`);
  }
}

/** How an already-resolved hold was resolved (the ledger's failure details), if known. */
function resolutionOf(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (isDomainError(cause)) return stringField(cause.details, 'resolution');
  if (cause instanceof ApplicationFailure) return stringField(cause.details?.[0], 'resolution');
  return undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

function validateInput(input: TransferInput): bigint {
  if (!isCurrency(input.currency)) {
    throw new DomainError('UNSUPPORTED_CURRENCY', `Unsupported currency: ${input.currency}`);
  }
  if (input.fromAccountId === input.toAccountId) {
    throw new DomainError('SAME_ACCOUNT', 'Source and destination are the same account');
  }
  return toPositiveMinor(input.amount);
}

function validateAccounts(
  input: TransferInput,
  from: TransferAccountView,
  to: TransferAccountView,
): void {
  // Someone else's account looks like no account at all: existence does not leak.
  if (from.customerId !== input.customerId) {
    throw new DomainError('ACCOUNT_NOT_FOUND', 'Source account not found', {
      accountId: input.fromAccountId,
    });
  }
  if (from.status === 'FROZEN') throw new DomainError('ACCOUNT_FROZEN', 'Source account is frozen');
  if (from.status === 'CLOSED') throw new DomainError('ACCOUNT_CLOSED', 'Source account is closed');
  if (from.status !== 'ACTIVE')
    throw new DomainError('ACCOUNT_NOT_ACTIVE', 'Source account is not active');
  if (to.status !== 'ACTIVE')
    throw new DomainError('ACCOUNT_NOT_ACTIVE', 'Destination account is not active');
  if (from.currency !== input.currency || to.currency !== input.currency) {
    throw new DomainError('CURRENCY_MISMATCH', 'Accounts and transfer must share one currency');
  }
}

/** The default rule holds even if the engine says less: above $50,000 always goes to review. */
function withDefaultRule(assessment: FraudAssessment, amount: bigint): FraudAssessment {
  if (assessment.decision === 'ALLOW' && amount > FRAUD_REVIEW_THRESHOLD_MINOR) {
    return {
      ...assessment,
      decision: 'REVIEW',
      reasons: [
        ...assessment.reasons,
        { rule: 'amount_threshold', value: amount.toString(), weight: 0 },
      ],
    };
  }
  return assessment;
}

function amountAttribute(amount: MinorString): SearchAttributeUpdatePair[] {
  const n = Number(amount);
  return Number.isSafeInteger(n) ? [{ key: SA.amountMinor, value: n }] : [];
}

function requireActor(req: ActorInput | undefined): void {
  if (
    !req ||
    typeof req.actor !== 'string' ||
    req.actor.length === 0 ||
    typeof req.reason !== 'string'
  ) {
    throw refuse('VALIDATION_FAILED', 'actor and reason are required');
  }
}

function refuse(code: ErrorCode, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true });
}
