/**
 * The worker's pull-style business gauges, read from Postgres at scrape time: the review queue and
 * NEEDS_ATTENTION sizes (transfers read model) and the ledger totals per currency with the 0/1
 * invariant. Results are cached for `ttlMs` so several scrapers (or replicas) cost one query per
 * period; the invariant check recomputes every account, so it must not run on every scrape.
 */
import { inArray, sql } from 'drizzle-orm';
import { checkInvariant } from '../activities/ledger/invariant';
import type { Db } from '../db/client';
import { transfers } from '../db/schema';
import { metrics, type LedgerCurrencyTotals, type QueueSizes } from './metrics';

export interface MetricSourceOptions {
  /** How long a read stays fresh (default 15 s; 0 reads on every scrape). */
  ttlMs?: number;
}

export async function readQueueSizes(db: Db): Promise<QueueSizes> {
  const rows = await db
    .select({ status: transfers.status, n: sql<number>`count(*)::int` })
    .from(transfers)
    .where(inArray(transfers.status, ['AWAITING_REVIEW', 'NEEDS_ATTENTION']))
    .groupBy(transfers.status);
  const count = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return { review: count('AWAITING_REVIEW'), needsAttention: count('NEEDS_ATTENTION') };
}

export async function readLedgerTotals(db: Db): Promise<LedgerCurrencyTotals[]> {
  const report = await checkInvariant(db);
  // A failed recomputation (a tampered running total) fails the invariant of every currency.
  return Object.entries(report.totals).map(([currency, t]) => ({
    currency,
    ...t,
    balanced: report.balanced,
  }));
}

function cached<T>(read: () => Promise<T>, ttlMs: number): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= ttlMs) {
      const value = read();
      last = { at: Date.now(), value };
      value.catch(() => (last = undefined)); // a failed read is retried on the next scrape
    }
    return last.value;
  };
}

/** Installs the queue and ledger sources on this process's registry (the worker calls it). */
export function installMetricSources(db: Db, opts: MetricSourceOptions = {}): () => void {
  const ttlMs = opts.ttlMs ?? 15_000;
  metrics.setQueueSizeSource(cached(() => readQueueSizes(db), ttlMs));
  metrics.setLedgerSource(cached(() => readLedgerTotals(db), ttlMs));
  return () => {
    metrics.setQueueSizeSource(undefined);
    metrics.setLedgerSource(undefined);
  };
}
