/**
 * Transfer read-model activities. The workflow hands over its whole snapshot (status, fraud,
 * timeline) with a monotonic `version`; the upsert keyed by the transfer id only applies a newer
 * version. A retried activity therefore rewrites the same row to the same value (no duplicate
 * timeline entry), and a late, older write never rolls the row back.
 *
 * The same guard makes it the place for the transfer metrics (workflow code must stay
 * deterministic): a write that applied is a status change seen once, so the counters move once.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transfers } from '../../db/schema/transfers';
import { toMinor } from '../../domain/money';
import { isTerminalTransferStatus } from '../../domain/transfer';
import { metrics } from '../../platform/metrics';
import type { TransferSnapshot } from '../../workflows/transfer.messages';
import { withDomainFailures } from '../shared/failures';

export interface TransferActivityDeps {
  db: Db;
}

export function createTransferActivities(deps: TransferActivityDeps) {
  return withDomainFailures({
    /** Idempotent upsert of the read model from a workflow snapshot. Returns whether it applied. */
    async syncTransfer(snapshot: TransferSnapshot): Promise<{ applied: boolean }> {
      const rows = await deps.db
        .insert(transfers)
        .values({
          id: snapshot.transferId,
          workflowId: snapshot.workflowId,
          customerId: snapshot.customerId,
          fromAccountId: snapshot.fromAccountId,
          toAccountId: snapshot.toAccountId,
          amount: toMinor(snapshot.amount),
          currency: snapshot.currency,
          memo: snapshot.memo,
          status: snapshot.status,
          failureCode: snapshot.failureCode,
          fraud: snapshot.fraud,
          timeline: snapshot.timeline,
          version: snapshot.version,
          createdAt: new Date(snapshot.createdAt),
          updatedAt: new Date(snapshot.updatedAt),
        })
        .onConflictDoUpdate({
          target: transfers.id,
          set: {
            status: sql`excluded.status`,
            failureCode: sql`excluded.failure_code`,
            fraud: sql`excluded.fraud`,
            timeline: sql`excluded.timeline`,
            version: sql`excluded.version`,
            updatedAt: sql`excluded.updated_at`,
          },
          setWhere: sql`${transfers.version} < excluded.version`,
        })
        // xmax = 0 only on a freshly inserted row: the transfer's first write.
        .returning({ id: transfers.id, inserted: sql<boolean>`(xmax = 0)` });
      const row = rows[0];
      if (row) recordTransferMetrics(snapshot, row.inserted);
      return { applied: row !== undefined };
    },
  });
}

/** Counters for a snapshot that was just applied: started on insert, outcome on a terminal state. */
function recordTransferMetrics(snapshot: TransferSnapshot, inserted: boolean): void {
  const { currency, status } = snapshot;
  if (inserted) metrics.transferStarted(currency);
  if (!isTerminalTransferStatus(status)) return;
  const seconds = (Date.parse(snapshot.updatedAt) - Date.parse(snapshot.createdAt)) / 1000;
  const reason = snapshot.failureCode ?? 'none';
  if (status === 'COMPLETED') metrics.transferCompleted(currency, seconds);
  else if (status === 'FAILED') metrics.transferFailed(currency, reason, seconds);
  else if (status === 'CANCELLED') metrics.transferCancelled(currency, reason, seconds);
  else metrics.transferRejected(currency, reason, seconds);
}

export type TransferActivities = ReturnType<typeof createTransferActivities>;
