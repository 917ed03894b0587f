/**
 * The TransferWorkflow's activities for integration, crash and concurrency tests: the real ledger
 * and the real transfers read model on the per-run Postgres database. Fraud scoring, event
 * publishing and notifications are recorded in memory here (they have their own tests against
 * Redis/Kafka/SMTP); scoring applies the default amount rule.
 */
import type { Db } from '../db/client';
import { createLedgerActivities } from '../activities/ledger/ledger.activities';
import { createTransferActivities } from '../activities/transfers/transfers.activities';
import type { DomainEventInput } from '../domain/events';
import type {
  FraudAssessment,
  NotifyTransferPartiesInput,
  ScoreTransferInput,
} from '../domain/transfer';

export function createRealTransferActivities(db: Db) {
  const events: DomainEventInput[] = [];
  const notifications: NotifyTransferPartiesInput[] = [];
  const activities = {
    ...createLedgerActivities({ db }),
    ...createTransferActivities({ db }),
    async scoreTransfer(input: ScoreTransferInput): Promise<FraudAssessment> {
      return BigInt(input.amount) > 5_000_000n
        ? {
            score: 60,
            decision: 'REVIEW',
            reasons: [{ rule: 'amount_threshold', value: input.amount, weight: 60 }],
          }
        : { score: 1, decision: 'ALLOW', reasons: [] };
    },
    async publishEvents(batch: DomainEventInput[]): Promise<{ published: number }> {
      for (const e of batch) if (!events.some((x) => x.id === e.id)) events.push(e);
      return { published: batch.length };
    },
    async notifyTransferParties(input: NotifyTransferPartiesInput): Promise<{ ok: true }> {
      notifications.push(input);
      return { ok: true };
    },
  };
  return { activities, events, notifications };
}

export type RealTransferActivities = ReturnType<typeof createRealTransferActivities>['activities'];
