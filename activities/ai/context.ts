/**
 * What the assistant may know: the caller's own balances, last 20 transactions and monthly
 * summaries. Every query is scoped by the caller's customer id; memos are left out on purpose
 * (another customer's free text must not reach the model as if it were data we vouch for).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { monthlySummary } from '../../consumers/account-summary.consumer';

export interface AssistantContext {
  customerId: string;
  accounts: { id: string; currency: string; status: string; posted: string; available: string }[];
  transactions: {
    id: string;
    direction: 'in' | 'out';
    amount: string;
    currency: string;
    status: string;
    counterpartyAccountId: string;
    at: string;
  }[];
  monthly: Awaited<ReturnType<typeof monthlySummary>>;
}

type Row = Record<string, unknown>;

async function rows(db: Db, query: ReturnType<typeof sql>): Promise<Row[]> {
  try {
    return (await db.execute(query)).rows as Row[];
  } catch {
    return []; // a table of another domain may be absent in this deployment
  }
}

export async function loadAssistantContext(db: Db, customerId: string): Promise<AssistantContext> {
  const accountRows = await rows(
    db,
    sql`select id, currency, status, credits_posted, debits_posted, debits_pending
          from accounts where customer_id = ${customerId} and kind = 'customer' order by id`,
  );
  const accounts = accountRows.map((r) => {
    const posted = BigInt(String(r.credits_posted)) - BigInt(String(r.debits_posted));
    return {
      id: String(r.id),
      currency: String(r.currency).trim(),
      status: String(r.status),
      posted: posted.toString(),
      available: (posted - BigInt(String(r.debits_pending))).toString(),
    };
  });
  const ids = accounts.map((a) => a.id);
  let transactions: AssistantContext['transactions'] = [];
  if (ids.length > 0) {
    const list = sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    );
    const tx = await rows(
      db,
      sql`select id, from_account_id, to_account_id, amount, currency, status, created_at from transfers
           where from_account_id in (${list}) or to_account_id in (${list})
           order by created_at desc, id desc limit 20`,
    );
    transactions = tx.map((r) => {
      const out = ids.includes(String(r.from_account_id));
      return {
        id: String(r.id),
        direction: out ? 'out' : 'in',
        amount: String(r.amount),
        currency: String(r.currency),
        status: String(r.status),
        counterpartyAccountId: String(out ? r.to_account_id : r.from_account_id),
        at: new Date(String(r.created_at)).toISOString(),
      };
    });
  }
  const monthly = await monthlySummary(db, ids, 6).catch(() => []);
  return { customerId, accounts, transactions, monthly };
}
