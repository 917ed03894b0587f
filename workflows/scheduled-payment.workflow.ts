/**
 * ScheduledPaymentWorkflow: one long-running workflow per schedule (see
 * docs/adr-001-scheduled-payments.md for why not a Temporal Schedule).
 *
 *   loop: sleep until the next run (a durable timer, interrupted by pause/change/cancel)
 *         → run the occurrence as a child TransferWorkflow whose id derives from the schedule
 *           and the due time (+ attempt), so it can never pay twice
 *         → INSUFFICIENT_FUNDS: try again after `retryAfterSeconds`, up to `maxRetries`, then
 *           skip it and notify the customer; the schedule goes on
 *         → source account FROZEN/CLOSED: pause itself and notify; the occurrence is retried on
 *           resume
 *         → record the outcome (query + Postgres), compute the next run
 *   every `occurrencesPerRun` occurrences: continue-as-new, carrying the state.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { EventActivities } from '../activities/events/events.activities';
import type { ScheduleActivities } from '../activities/schedules/schedules.activities';
import { eventId, scheduledOccurrenceTransferId, workflowIds } from '../domain/ids';
import { nextCalendarRun, withinEnd } from './scheduled-payment.calendar';
import {
  DEFAULT_INSUFFICIENT_FUNDS_POLICY,
  RECENT_OCCURRENCES_KEPT,
  cancelScheduleSignal,
  changeScheduleSignal,
  pauseScheduleSignal,
  resumeScheduleSignal,
  scheduleStatusQuery,
  type OccurrenceRecord,
  type ScheduledPaymentInput,
  type ScheduledPaymentState,
} from './scheduled-payment.messages';
import type { TransferSnapshot } from './transfer.messages';
import type { transferWorkflow } from './transfer.workflow';

const acts = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['VALIDATION_FAILED'],
  },
});
/** Attaches to a transfer that someone else already started with this occurrence's id. */
const waiter = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '4 days',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const events = proxyActivities<Pick<EventActivities, 'publishEvents'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const PAUSING_CODES = new Set([
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
  'ACCOUNT_NOT_ACTIVE',
  'ACCOUNT_NOT_FOUND',
]);

export async function scheduledPaymentWorkflow(
  input: ScheduledPaymentInput,
): Promise<ScheduledPaymentState> {
  const wfId = workflowInfo().workflowId;
  const now = () => new Date();
  const policy = input.policy ?? DEFAULT_INSUFFICIENT_FUNDS_POLICY;
  const perRun = input.occurrencesPerRun ?? 24;
  const state: ScheduledPaymentState = {
    scheduleId: input.scheduleId,
    customerId: input.customerId,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    amount: input.amount,
    currency: input.currency,
    memo: input.memo ?? null,
    spec: input.spec,
    policy,
    status: input.carried?.status ?? 'ACTIVE',
    pausedReason: input.carried?.pausedReason ?? null,
    nextRunAt: input.carried?.nextRunAt ?? null,
    occurrenceCount: input.carried?.occurrenceCount ?? 0,
    recent: input.carried?.recent ?? [],
    pending: input.carried?.pending ?? null,
    version: input.carried?.version ?? 0,
  };
  /** Bumped by every signal, so a sleeping timer wakes up and re-plans. */
  let changes = 0;
  const touch = () => {
    changes++;
    state.version++;
  };

  setHandler(scheduleStatusQuery, () => state);
  setHandler(pauseScheduleSignal, ({ reason }) => {
    if (state.status !== 'ACTIVE') return;
    state.status = 'PAUSED';
    state.pausedReason = reason ?? 'Paused by customer';
    touch();
  });
  setHandler(resumeScheduleSignal, () => {
    if (state.status !== 'PAUSED') return;
    state.status = 'ACTIVE';
    state.pausedReason = null;
    touch();
  });
  setHandler(cancelScheduleSignal, () => {
    if (state.status === 'COMPLETED' || state.status === 'CANCELLED') return;
    state.status = 'CANCELLED';
    touch();
  });
  setHandler(changeScheduleSignal, (change) => {
    if (state.status === 'COMPLETED' || state.status === 'CANCELLED') return;
    if (change.amount !== undefined && /^\d{1,19}$/.test(change.amount) && change.amount !== '0') {
      state.amount = change.amount;
    }
    if (change.nextRunAt !== undefined && !Number.isNaN(Date.parse(change.nextRunAt))) {
      state.nextRunAt = new Date(change.nextRunAt).toISOString();
      state.pending = null;
    }
    touch();
  });

  let syncedVersion = -1;
  const sync = async () => {
    const version = state.version;
    await acts.schedulesSync({ state });
    syncedVersion = version;
  };
  /**
   * Syncs until the read model holds the current version: a signal handled while a sync was in
   * flight (same activation as its completion) bumps the version again, and the workflow may
   * then sleep for months. Histories from before the loop keep the single sync (patch).
   */
  const syncToCurrent = async () => {
    if (!patched('schedule-sync-to-current-v1')) {
      if (state.version !== syncedVersion) await sync();
      return;
    }
    while (state.version !== syncedVersion) await sync();
  };

  async function nextRun(after: Date, inclusive: boolean): Promise<string | null> {
    const candidate =
      input.spec.frequency === 'CRON'
        ? await acts
            .schedulesNextCronRun({
              cron: input.spec.cron ?? '',
              after: after.toISOString(),
              inclusive,
            })
            .then((iso) => (iso ? new Date(iso) : null))
        : nextCalendarRun(input.spec, after, inclusive);
    return withinEnd(input.spec, candidate, state.occurrenceCount)?.toISOString() ?? null;
  }

  function remember(record: OccurrenceRecord): void {
    const i = state.recent.findIndex((r) => r.dueAt === record.dueAt);
    if (i >= 0) state.recent[i] = record;
    else state.recent.push(record);
    if (state.recent.length > RECENT_OCCURRENCES_KEPT)
      state.recent.splice(0, state.recent.length - RECENT_OCCURRENCES_KEPT);
  }

  /** One attempt: a child TransferWorkflow with a deterministic id. */
  async function pay(transferId: string): Promise<TransferSnapshot> {
    const args = {
      transferId,
      customerId: input.customerId,
      fromAccountId: input.fromAccountId,
      toAccountId: input.toAccountId,
      amount: state.amount,
      currency: input.currency,
      memo: input.memo,
      initiatedBy: `schedule:${input.scheduleId}`,
    };
    try {
      return await executeChild<typeof transferWorkflow>('transferWorkflow', {
        workflowId: workflowIds.transfer(transferId),
        args: [args],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      // Already started (a duplicate trigger, a catch-up elsewhere): never a second payment,
      // just wait for that transfer's outcome.
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return waiter.schedulesAwaitTransfer({ transferId });
      }
      if (err instanceof ChildWorkflowFailure) {
        throw ApplicationFailure.create({
          type: 'TRANSFER_WORKFLOW_FAILED',
          message: err.message,
          nonRetryable: true,
        });
      }
      throw err;
    }
  }

  /** Runs the occurrence due at `dueAt`, with the insufficient-funds policy. */
  async function runOccurrence(
    dueAt: string,
    firstAttempt: number,
  ): Promise<'DONE' | 'PAUSED' | 'INTERRUPTED'> {
    const base = scheduledOccurrenceTransferId(input.scheduleId, dueAt);
    const existing = state.recent.find((r) => r.dueAt === dueAt);
    const record: OccurrenceRecord = existing ?? {
      dueAt,
      amount: state.amount,
      status: 'RUNNING',
      transferIds: [],
      attemptTimes: [],
      failureCode: null,
    };
    for (let attempt = firstAttempt; ; attempt++) {
      const transferId = attempt === 1 ? base : `${base}-r${attempt - 1}`;
      record.amount = state.amount;
      record.status = 'RUNNING';
      if (!record.transferIds.includes(transferId)) {
        record.transferIds.push(transferId);
        record.attemptTimes.push(now().toISOString());
      }
      remember(record);
      state.pending = { dueAt, attempts: attempt };
      await sync();
      const result = await pay(transferId);
      if (result.status === 'COMPLETED') {
        record.status = 'COMPLETED';
        record.failureCode = null;
        remember(record);
        await events.publishEvents([
          {
            id: eventId(wfId, `occurrence:${dueAt}:completed`),
            type: 'scheduled_payment.occurrence_completed',
            subject: input.scheduleId,
            dataVersion: 1,
            data: {
              scheduleId: input.scheduleId,
              customerId: input.customerId,
              fromAccountId: input.fromAccountId,
              toAccountId: input.toAccountId,
              amount: state.amount,
              currency: input.currency,
              dueDate: dueAt,
              transferId,
            },
            time: now().toISOString(),
          },
        ]);
        return 'DONE';
      }
      const code = result.failureCode ?? result.status;
      record.failureCode = code;
      if (code && PAUSING_CODES.has(code)) {
        // The source account cannot pay: pause, tell the customer, retry this occurrence on resume.
        record.status = 'RETRY_SCHEDULED';
        remember(record);
        state.status = 'PAUSED';
        state.pausedReason = `Source account cannot pay (${code})`;
        state.pending = { dueAt, attempts: attempt + 1 };
        state.version++;
        await acts.schedulesNotify({
          noticeId: eventId(wfId, `occurrence:${dueAt}:paused:${attempt}`),
          customerId: input.customerId,
          template: 'scheduled_payment.paused',
          data: { scheduleId: input.scheduleId, dueAt, reason: code },
        });
        return 'PAUSED';
      }
      const retryable = code === 'INSUFFICIENT_FUNDS' && attempt <= policy.maxRetries;
      if (retryable) {
        record.status = 'RETRY_SCHEDULED';
        remember(record);
        state.pending = { dueAt, attempts: attempt + 1 };
        state.version++;
        await sync();
        const seen = changes;
        const interrupted = await condition(
          () => changes !== seen && state.status !== 'ACTIVE',
          policy.retryAfterSeconds * 1000,
        );
        if (interrupted) return 'INTERRUPTED';
        continue;
      }
      // Out of retries (or another refusal): skip it, tell the customer, keep going.
      record.status = 'SKIPPED';
      remember(record);
      await events.publishEvents([
        {
          id: eventId(wfId, `occurrence:${dueAt}:skipped`),
          type: 'scheduled_payment.occurrence_skipped',
          subject: input.scheduleId,
          dataVersion: 1,
          data: {
            scheduleId: input.scheduleId,
            customerId: input.customerId,
            amount: state.amount,
            currency: input.currency,
            dueDate: dueAt,
            transferId,
            reason: code,
          },
          time: now().toISOString(),
        },
      ]);
      await acts.schedulesNotify({
        noticeId: eventId(wfId, `occurrence:${dueAt}:skipped`),
        customerId: input.customerId,
        template: 'scheduled_payment.skipped',
        data: { scheduleId: input.scheduleId, dueAt, reason: code, attempts: attempt },
      });
      return 'DONE';
    }
  }

  // First run: plan the first occurrence and announce the schedule.
  if (!input.carried) {
    state.nextRunAt = await nextRun(new Date(input.spec.startAt), true);
    await events.publishEvents([
      {
        id: eventId(wfId, 'created'),
        type: 'scheduled_payment.created',
        subject: input.scheduleId,
        dataVersion: 1,
        data: {
          scheduleId: input.scheduleId,
          customerId: input.customerId,
          fromAccountId: input.fromAccountId,
          toAccountId: input.toAccountId,
          amount: state.amount,
          currency: input.currency,
          dueDate: state.nextRunAt ?? undefined,
        },
        time: now().toISOString(),
      },
    ]);
    await sync();
  }

  let ranThisRun = 0;
  for (;;) {
    if (state.status === 'CANCELLED') break;
    if (state.status === 'PAUSED') {
      await sync();
      if (patched('schedule-sync-to-current-v1')) {
        // A change while paused is synced as it comes, not only on resume.
        for (;;) {
          await syncToCurrent();
          const seen = changes;
          await condition(() => state.status !== 'PAUSED' || changes !== seen);
          if (state.status !== 'PAUSED') break;
        }
      } else {
        await condition(() => state.status !== 'PAUSED');
      }
      if (
        (state.status as string) === 'ACTIVE' &&
        !state.pending &&
        state.nextRunAt &&
        Date.parse(state.nextRunAt) < now().getTime()
      ) {
        // Occurrences missed while paused are not caught up: resume at the next one from now.
        state.nextRunAt = await nextRun(now(), true);
      }
      continue;
    }
    // Signals (resume, change) bump the version: keep the read model current before sleeping.
    await syncToCurrent();
    const dueAt = state.pending?.dueAt ?? state.nextRunAt;
    if (!dueAt) {
      state.status = 'COMPLETED';
      break;
    }
    const wait = Date.parse(dueAt) - now().getTime();
    if (wait > 0 && !state.pending) {
      const seen = changes;
      if (await condition(() => changes !== seen, wait)) continue; // re-plan after a signal
    }
    const outcome = await runOccurrence(dueAt, state.pending?.attempts ?? 1);
    if (outcome !== 'DONE') continue;
    state.pending = null;
    state.occurrenceCount++;
    ranThisRun++;
    state.nextRunAt = await nextRun(new Date(dueAt), false);
    state.version++;
    await sync();
    if (state.nextRunAt && (ranThisRun >= perRun || workflowInfo().continueAsNewSuggested)) {
      await continueAsNew<typeof scheduledPaymentWorkflow>({
        ...input,
        amount: state.amount,
        carried: {
          status: state.status,
          pausedReason: state.pausedReason,
          nextRunAt: state.nextRunAt,
          occurrenceCount: state.occurrenceCount,
          recent: state.recent,
          pending: state.pending,
          version: state.version,
        },
      });
    }
  }
  state.nextRunAt = null;
  state.pending = null;
  state.version++;
  await sync();
  return state;
}
