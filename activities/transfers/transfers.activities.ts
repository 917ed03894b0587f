/**
 * Transfer read-model activities. The workflow hands over its whole snapshot (status, fraud,
 * timeline) with a monotonic `version`; the upsert keyed by the transfer id only applies a newer
 * version. A retried activity therefore rewrites the same row to the same value (no duplicate
 * timeline entry), and a late, older write never rolls the row back.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transfers } from '../../db/schema/transfers';
import { toMinor } from '../../domain/money';
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
        .returning({ id: transfers.id });
      return { applied: rows.length > 0 };
    },
  });
}

export type TransferActivities = ReturnType<typeof createTransferActivities>;
