import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';

/** A ledger entry with its running balance. Sign: a credit adds to the customer's money. */
export const entrySchema = z
  .object({
    id: z.string(),
    amount: z.number().int(),
    currency: z.string().optional(),
    direction: z.string().optional(),
    balance: z.number().int().optional(),
    runningBalance: z.number().int().optional(),
    balanceAfter: z.number().int().optional(),
    reference: z.string().nullish(),
    description: z.string().nullish(),
    memo: z.string().nullish(),
    transferId: z.string().nullish(),
    counterpartyAccountId: z.string().nullish(),
    kind: z.string().nullish(),
    createdAt: z.string().optional(),
    at: z.string().optional(),
    postedAt: z.string().optional(),
  })
  .loose();
export type Entry = z.infer<typeof entrySchema>;

const pageSchema = z.object({ items: z.array(entrySchema), nextCursor: z.string().nullish() });

/** Signed minor amount: positive money in, negative money out. */
export function signedAmount(e: Entry): number {
  const d = e.direction?.toUpperCase();
  if (d === 'CREDIT' || d === 'IN') return Math.abs(e.amount);
  if (d === 'DEBIT' || d === 'OUT') return -Math.abs(e.amount);
  return e.amount;
}

export function entryTime(e: Entry): string | undefined {
  return e.createdAt ?? e.postedAt ?? e.at;
}

export const getEntries = (accountId: string, cursor?: string, limit = 50) =>
  request(`/accounts/${encodeURIComponent(accountId)}/entries`, pageSchema, {
    query: { limit, cursor },
  });

/** Recent entries of several accounts, merged newest first. */
export function useRecentEntries(accountIds: string[]) {
  return useQuery({
    queryKey: ['entries', 'recent', ...accountIds],
    enabled: accountIds.length > 0,
    queryFn: async () => {
      const pages = await Promise.all(accountIds.map((id) => getEntries(id, undefined, 100)));
      return pages
        .flatMap((p, i) => p.items.map((e) => ({ ...e, accountId: accountIds[i]! })))
        .sort((a, b) => (entryTime(b) ?? '').localeCompare(entryTime(a) ?? ''));
    },
  });
}

export interface MonthFlow {
  month: string; // YYYY-MM
  label: string;
  in: number;
  out: number;
}

/** Monthly totals (minor units) of money in and out over the last `months` months. */
export function monthlyFlows(entries: Entry[], months = 6, now = new Date()): MonthFlow[] {
  const buckets: MonthFlow[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const month = d.toISOString().slice(0, 7);
    buckets.push({
      month,
      label: d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }),
      in: 0,
      out: 0,
    });
  }
  for (const e of entries) {
    const t = entryTime(e);
    if (!t) continue;
    const bucket = buckets.find((b) => b.month === t.slice(0, 7));
    if (!bucket) continue;
    const s = signedAmount(e);
    if (s >= 0) bucket.in += s;
    else bucket.out += -s;
  }
  return buckets;
}
