/**
 * Scheduled-payment activities: the durable read model (schedule row + occurrence history with
 * transfer ids), cron evaluation, customer notices, and attaching to an occurrence's transfer that
 * was already started elsewhere. All idempotent (absolute upserts, deterministic notice ids).
 */
import { Context } from '@temporalio/activity';
import { CronExpressionParser } from 'cron-parser';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { scheduledPaymentOccurrences, scheduledPayments } from '../../db/schema/scheduled-payments';
import { workflowIds } from '../../domain/ids';
import { toMinor } from '../../domain/money';
import type { ScheduledPaymentState } from '../../workflows/scheduled-payment.messages';
import type { TransferSnapshot } from '../../workflows/transfer.messages';
import { insertNotice } from '../kyc/notices';
import { withDomainFailures } from '../shared/failures';

export interface ScheduleActivityDeps {
  db: Db;
}

/** The next cron run strictly after `after` (or at it when inclusive), UTC; null when none. */
export function nextCronRun(cron: string, after: string, inclusive: boolean): string | null {
  const from = new Date(Date.parse(after) - (inclusive ? 1000 : 0));
  const expr = CronExpressionParser.parse(cron, { currentDate: from, tz: 'UTC' });
  if (!expr.hasNext()) return null;
  return expr.next().toDate().toISOString();
}

export function createScheduleActivities(deps: ScheduleActivityDeps) {
  const { db } = deps;
  return withDomainFailures({
    async schedulesSync(input: { state: ScheduledPaymentState }): Promise<void> {
      const s = input.state;
      await db.transaction(async (tx) => {
        const values = {
          id: s.scheduleId,
          customerId: s.customerId,
          fromAccountId: s.fromAccountId,
          toAccountId: s.toAccountId,
          amount: toMinor(s.amount),
          currency: s.currency,
          memo: s.memo,
          spec: s.spec,
          status: s.status,
          pausedReason: s.pausedReason,
          nextRunAt: s.nextRunAt ? new Date(s.nextRunAt) : null,
          occurrenceCount: s.occurrenceCount,
          workflowId: workflowIds.scheduledPayment(s.scheduleId),
          updatedAt: new Date(),
        };
        await tx
          .insert(scheduledPayments)
          .values(values)
          .onConflictDoUpdate({
            target: scheduledPayments.id,
            set: {
              amount: values.amount,
              status: values.status,
              pausedReason: values.pausedReason,
              nextRunAt: values.nextRunAt,
              occurrenceCount: values.occurrenceCount,
              updatedAt: values.updatedAt,
            },
          });
        for (const o of s.recent) {
          const row = {
            scheduleId: s.scheduleId,
            dueAt: o.dueAt,
            transferId: o.transferIds[o.transferIds.length - 1] ?? '',
            amount: toMinor(o.amount),
            status: o.status,
            attempts: o.transferIds.length,
            failureCode: o.failureCode,
            updatedAt: new Date(),
          };
          await tx
            .insert(scheduledPaymentOccurrences)
            .values(row)
            .onConflictDoUpdate({
              target: [scheduledPaymentOccurrences.scheduleId, scheduledPaymentOccurrences.dueAt],
              set: {
                transferId: row.transferId,
                amount: row.amount,
                status: row.status,
                attempts: row.attempts,
                failureCode: row.failureCode,
                updatedAt: sql`now()`,
              },
            });
        }
      });
    },

    async schedulesNextCronRun(input: {
      cron: string;
      after: string;
      inclusive: boolean;
    }): Promise<string | null> {
      return nextCronRun(input.cron, input.after, input.inclusive);
    },

    async schedulesNotify(input: {
      noticeId: string;
      customerId: string;
      template: 'scheduled_payment.skipped' | 'scheduled_payment.paused';
      data: Record<string, unknown>;
    }): Promise<void> {
      await insertNotice(db, {
        id: input.noticeId,
        customerId: input.customerId,
        category: 'scheduled_payments',
        template: input.template,
        data: input.data,
      });
    },

    /** Waits for the outcome of a transfer workflow that was already started with this id. */
    async schedulesAwaitTransfer(input: { transferId: string }): Promise<TransferSnapshot> {
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), 10_000);
      try {
        return (await ctx.client.workflow
          .getHandle(workflowIds.transfer(input.transferId))
          .result()) as TransferSnapshot;
      } finally {
        clearInterval(beat);
      }
    },
  });
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
