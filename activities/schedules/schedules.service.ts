/**
 * Scheduled payments for the API: create (validates, stores the row, starts the workflow), read
 * (row + occurrence history; the live workflow state when it runs), list, and the controls
 * pause / resume / change / cancel, delivered as signals after checking the transition is valid.
 */
import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  scheduledPaymentOccurrences,
  scheduledPayments,
  type ScheduleSpecRow,
} from '../../db/schema/scheduled-payments';
import { accounts } from '../../db/schema/ledger';
import { DomainError } from '../../domain/errors';
import { ID_PREFIX, workflowIds } from '../../domain/ids';
import { assertCurrency, minorToString, toPositiveMinor } from '../../domain/money';
import {
  nextCalendarRun,
  specProblems,
  withinEnd,
  type ScheduleSpec,
} from '../../workflows/scheduled-payment.calendar';
import {
  cancelScheduleSignal,
  changeScheduleSignal,
  pauseScheduleSignal,
  resumeScheduleSignal,
  type InsufficientFundsPolicy,
  type ScheduledPaymentInput,
} from '../../workflows/scheduled-payment.messages';
import { nextCronRun } from './schedules.activities';

export interface ScheduleServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export interface CreateScheduleInput {
  fromAccountId: string;
  toAccountId: string;
  /** Minor units. */
  amount: number | bigint;
  currency: string;
  memo?: string;
  schedule: ScheduleSpec;
}

export function newScheduleId(): string {
  return `${ID_PREFIX.schedule}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

function firstRun(spec: ScheduleSpec): string | null {
  const start = new Date(spec.startAt);
  const candidate =
    spec.frequency === 'CRON'
      ? (() => {
          const iso = nextCronRun(spec.cron ?? '', spec.startAt, true);
          return iso ? new Date(iso) : null;
        })()
      : nextCalendarRun(spec, start, true);
  return withinEnd(spec, candidate, 0)?.toISOString() ?? null;
}

export async function createScheduledPayment(
  deps: ScheduleServiceDeps,
  customerId: string,
  input: CreateScheduleInput,
  options: {
    scheduleId?: string;
    policy?: InsufficientFundsPolicy;
    occurrencesPerRun?: number;
    now?: Date;
  } = {},
) {
  const amount = minorToString(toPositiveMinor(input.amount));
  const currency = assertCurrency(input.currency);
  const problems = specProblems(input.schedule);
  if (input.schedule.frequency === 'CRON' && input.schedule.cron) {
    try {
      nextCronRun(input.schedule.cron, input.schedule.startAt, true);
    } catch {
      problems.push('cron');
    }
  }
  if (problems.length) {
    throw new DomainError('VALIDATION_FAILED', `Invalid schedule: ${problems.join(', ')}`, {
      field: 'schedule',
      problems,
    });
  }
  if (input.fromAccountId === input.toAccountId) {
    throw new DomainError('SAME_ACCOUNT', 'Source and destination are the same account');
  }
  const [from] = await deps.db.select().from(accounts).where(eq(accounts.id, input.fromAccountId));
  if (!from || from.customerId !== customerId)
    throw new DomainError('ACCOUNT_NOT_FOUND', 'Source account not found');
  const [to] = await deps.db.select().from(accounts).where(eq(accounts.id, input.toAccountId));
  if (!to) throw new DomainError('ACCOUNT_NOT_FOUND', 'Destination account not found');
  if (from.currency !== currency || to.currency !== currency) {
    throw new DomainError('CURRENCY_MISMATCH', 'Accounts and payment must share one currency');
  }
  if (from.status !== 'ACTIVE')
    throw new DomainError('ACCOUNT_NOT_ACTIVE', 'Source account is not active');
  const nextRunAt = firstRun(input.schedule);
  if (!nextRunAt || Date.parse(nextRunAt) < (options.now ?? new Date()).getTime() - 60_000) {
    throw new DomainError('VALIDATION_FAILED', 'The schedule has no future occurrence', {
      field: 'schedule.startAt',
    });
  }
  const scheduleId = options.scheduleId ?? newScheduleId();
  const workflowId = workflowIds.scheduledPayment(scheduleId);
  const spec: ScheduleSpecRow = { ...input.schedule };
  await deps.db
    .insert(scheduledPayments)
    .values({
      id: scheduleId,
      customerId,
      fromAccountId: input.fromAccountId,
      toAccountId: input.toAccountId,
      amount: BigInt(amount),
      currency,
      memo: input.memo ?? null,
      spec,
      nextRunAt: new Date(nextRunAt),
      workflowId,
    })
    .onConflictDoNothing({ target: scheduledPayments.id });
  const args: ScheduledPaymentInput = {
    scheduleId,
    customerId,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    amount,
    currency,
    memo: input.memo,
    spec: input.schedule,
    policy: options.policy,
    occurrencesPerRun: options.occurrencesPerRun,
  };
  await deps.temporal.workflow.start('scheduledPaymentWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [args],
  });
  return { id: scheduleId, workflowId, status: 'ACTIVE' as const, nextRunAt };
}

export interface ScheduleView {
  id: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: bigint;
  currency: string;
  memo: string | null;
  schedule: ScheduleSpecRow;
  status: string;
  pausedReason: string | null;
  nextRunAt: string | null;
  occurrenceCount: number;
  workflowId: string;
  occurrences: {
    dueAt: string;
    transferId: string;
    amount: bigint;
    status: string;
    attempts: number;
    failureCode: string | null;
  }[];
  createdAt: string;
}

export async function getScheduledPayment(
  db: Db,
  scheduleId: string,
  customerId?: string,
): Promise<ScheduleView> {
  const [row] = await db
    .select()
    .from(scheduledPayments)
    .where(eq(scheduledPayments.id, scheduleId));
  if (!row || (customerId !== undefined && row.customerId !== customerId)) {
    throw new DomainError('NOT_FOUND', 'Scheduled payment not found');
  }
  const occurrences = await db
    .select()
    .from(scheduledPaymentOccurrences)
    .where(eq(scheduledPaymentOccurrences.scheduleId, scheduleId))
    .orderBy(asc(scheduledPaymentOccurrences.dueAt));
  return {
    id: row.id,
    customerId: row.customerId,
    fromAccountId: row.fromAccountId,
    toAccountId: row.toAccountId,
    amount: row.amount,
    currency: row.currency,
    memo: row.memo,
    schedule: row.spec,
    status: row.status,
    pausedReason: row.pausedReason,
    nextRunAt: row.nextRunAt?.toISOString() ?? null,
    occurrenceCount: row.occurrenceCount,
    workflowId: row.workflowId,
    occurrences: occurrences.map((o) => ({
      dueAt: o.dueAt,
      transferId: o.transferId,
      amount: o.amount,
      status: o.status,
      attempts: o.attempts,
      failureCode: o.failureCode,
    })),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listScheduledPayments(
  db: Db,
  q: { customerId?: string; limit?: number; cursor?: string },
): Promise<{ items: (typeof scheduledPayments.$inferSelect)[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 20, 1), 100);
  const where = [];
  if (q.customerId) where.push(eq(scheduledPayments.customerId, q.customerId));
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
    const createdAt = new Date(at ?? '');
    if (!id || Number.isNaN(createdAt.getTime()))
      throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { field: 'cursor' });
    where.push(
      or(
        lt(scheduledPayments.createdAt, createdAt),
        and(eq(scheduledPayments.createdAt, createdAt), lt(scheduledPayments.id, id)),
      )!,
    );
  }
  const rows = await db
    .select()
    .from(scheduledPayments)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(scheduledPayments.createdAt), desc(scheduledPayments.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
        : null,
  };
}

type Control = 'pause' | 'resume' | 'cancel';
const ALLOWED: Record<Control, string[]> = {
  pause: ['ACTIVE'],
  resume: ['PAUSED'],
  cancel: ['ACTIVE', 'PAUSED'],
};

export async function controlScheduledPayment(
  deps: ScheduleServiceDeps,
  scheduleId: string,
  action: Control,
  actor: string,
  customerId?: string,
): Promise<ScheduleView> {
  const current = await getScheduledPayment(deps.db, scheduleId, customerId);
  if (!ALLOWED[action].includes(current.status)) {
    throw new DomainError('INVALID_STATE', `Cannot ${action} a ${current.status} schedule`, {
      status: current.status,
    });
  }
  const handle = deps.temporal.workflow.getHandle(current.workflowId);
  const signal =
    action === 'pause'
      ? pauseScheduleSignal
      : action === 'resume'
        ? resumeScheduleSignal
        : cancelScheduleSignal;
  await handle.signal(signal, { actor });
  return {
    ...current,
    status: action === 'pause' ? 'PAUSED' : action === 'resume' ? 'ACTIVE' : 'CANCELLED',
  };
}

export async function changeScheduledPayment(
  deps: ScheduleServiceDeps,
  scheduleId: string,
  change: { amount?: number | bigint; nextRunAt?: string },
  actor: string,
  customerId?: string,
): Promise<ScheduleView> {
  const current = await getScheduledPayment(deps.db, scheduleId, customerId);
  if (current.status === 'COMPLETED' || current.status === 'CANCELLED') {
    throw new DomainError('INVALID_STATE', `Cannot change a ${current.status} schedule`, {
      status: current.status,
    });
  }
  const amount =
    change.amount !== undefined ? minorToString(toPositiveMinor(change.amount)) : undefined;
  if (
    change.nextRunAt !== undefined &&
    (Number.isNaN(Date.parse(change.nextRunAt)) || Date.parse(change.nextRunAt) < Date.now())
  ) {
    throw new DomainError('VALIDATION_FAILED', 'nextRunAt must be a future ISO-8601 instant', {
      field: 'nextRunAt',
    });
  }
  await deps.temporal.workflow
    .getHandle(current.workflowId)
    .signal(changeScheduleSignal, { actor, amount, nextRunAt: change.nextRunAt });
  return {
    ...current,
    amount: amount !== undefined ? BigInt(amount) : current.amount,
    nextRunAt: change.nextRunAt ? new Date(change.nextRunAt).toISOString() : current.nextRunAt,
  };
}
