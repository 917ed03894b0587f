/**
 * The ledger invariant, checked two independent ways in ONE statement (one snapshot, so it is
 * exact even while transfers commit concurrently):
 *
 * 1. Per currency, over the accounts' running totals: sum(debits_posted) = sum(credits_posted)
 *    and sum(debits_pending) = sum(credits_pending).
 * 2. Per account, the running totals are recomputed from the immutable ledger_transfers rows
 *    (single + post_pending move posted totals; a pending row with no post/void/expiry is an open
 *    hold) and must equal the stored totals; the newest statement entry must carry the account's
 *    posted balance; and no transfer may cross currencies.
 *
 * Either half can fail on its own: a tampered total that keeps the currency sums equal is still
 * caught by the recomputation.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './ledger.service';

export interface CurrencyTotals {
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
}

export interface InvariantReport {
  balanced: boolean;
  totals: Record<string, CurrencyTotals>;
  /** Human-readable reasons when unbalanced (empty when balanced). */
  problems: string[];
}

interface Row extends Record<string, unknown> {
  currency: string | null;
  debits_posted: string;
  credits_posted: string;
  debits_pending: string;
  credits_pending: string;
  mismatched: string[] | null;
  mismatched_count: string;
  entry_mismatched: string[] | null;
  cross_currency: string;
}

const QUERY = sql`
with moves as (
  select debit_account_id as account_id, amount as dpo, 0::bigint as cpo, 0::bigint as dpe, 0::bigint as cpe
    from ledger_transfers where kind in ('single', 'post_pending')
  union all
  select credit_account_id, 0, amount, 0, 0
    from ledger_transfers where kind in ('single', 'post_pending')
  union all
  select p.debit_account_id, 0, 0, p.amount, 0
    from ledger_transfers p
   where p.kind = 'pending' and not exists (select 1 from ledger_transfers r where r.pending_id = p.id)
  union all
  select p.credit_account_id, 0, 0, 0, p.amount
    from ledger_transfers p
   where p.kind = 'pending' and not exists (select 1 from ledger_transfers r where r.pending_id = p.id)
),
recomputed as (
  select account_id, sum(dpo) as dpo, sum(cpo) as cpo, sum(dpe) as dpe, sum(cpe) as cpe
    from moves group by account_id
),
last_entry as (
  select distinct on (account_id) account_id, balance_after
    from ledger_entries order by account_id, id desc
),
checked as (
  select a.id, a.currency, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
         (a.debits_posted <> coalesce(r.dpo, 0) or a.credits_posted <> coalesce(r.cpo, 0)
           or a.debits_pending <> coalesce(r.dpe, 0) or a.credits_pending <> coalesce(r.cpe, 0)) as mismatch,
         (coalesce(le.balance_after, 0) <> a.credits_posted - a.debits_posted) as entry_mismatch
    from accounts a
    left join recomputed r on r.account_id = a.id
    left join last_entry le on le.account_id = a.id
),
cross_currency as (
  select count(*) as n
    from ledger_transfers t
    join accounts d on d.id = t.debit_account_id
    join accounts c on c.id = t.credit_account_id
   where d.currency <> t.currency or c.currency <> t.currency
)
select k.currency,
       coalesce(sum(k.debits_posted), 0)::text as debits_posted,
       coalesce(sum(k.credits_posted), 0)::text as credits_posted,
       coalesce(sum(k.debits_pending), 0)::text as debits_pending,
       coalesce(sum(k.credits_pending), 0)::text as credits_pending,
       (array_agg(k.id order by k.id) filter (where k.mismatch))[1:10] as mismatched,
       count(*) filter (where k.mismatch)::text as mismatched_count,
       (array_agg(k.id order by k.id) filter (where k.entry_mismatch))[1:10] as entry_mismatched,
       (select n from cross_currency)::text as cross_currency
  from checked k
 group by k.currency
 order by k.currency
`;

/** Pass a transaction to see its own uncommitted writes (tests tamper inside one and roll back). */
export async function checkInvariant(db: DbOrTx): Promise<InvariantReport> {
  const result = await db.execute<Row>(QUERY);
  const totals: Record<string, CurrencyTotals> = {};
  const problems: string[] = [];
  for (const row of result.rows) {
    if (row.currency === null) continue;
    const currency = row.currency.trim();
    const t: CurrencyTotals = {
      debitsPosted: BigInt(row.debits_posted),
      creditsPosted: BigInt(row.credits_posted),
      debitsPending: BigInt(row.debits_pending),
      creditsPending: BigInt(row.credits_pending),
    };
    totals[currency] = t;
    if (t.debitsPosted !== t.creditsPosted) {
      problems.push(
        `${currency}: debits_posted ${t.debitsPosted} != credits_posted ${t.creditsPosted}`,
      );
    }
    if (t.debitsPending !== t.creditsPending) {
      problems.push(
        `${currency}: debits_pending ${t.debitsPending} != credits_pending ${t.creditsPending}`,
      );
    }
    if (row.mismatched?.length) {
      problems.push(
        `${currency}: ${row.mismatched_count} account(s) whose totals differ from their transfers: ${row.mismatched.join(', ')}`,
      );
    }
    if (row.entry_mismatched?.length) {
      problems.push(
        `${currency}: latest entry balance differs from posted balance: ${row.entry_mismatched.join(', ')}`,
      );
    }
  }
  const crossCurrency = Number(result.rows[0]?.cross_currency ?? 0);
  if (crossCurrency > 0)
    problems.push(`${crossCurrency} transfer(s) whose currency differs from an account's`);
  return { balanced: problems.length === 0, totals, problems };
}
