/**
 * Read model (CQRS): per-account monthly summary (in, out, counts) and its split by counterparty,
 * plus account profiles (owner, opening time). Fed by `transactions` and `accounts`; rebuildable
 * from the topics with `rebuildAccountSummaries` (stop the live consumer while rebuilding).
 *
 * - transfer.completed: out for the source, in for the destination, in the event's month (UTC).
 * - transfer.reversed: the money flows back (destination → source).
 * - account.*: upserts the account profile.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Kafka } from 'kafkajs';
import type { Db } from '../db/client';
import {
  accountMonthlyCounterparties,
  accountMonthlySummaries,
  accountProfiles,
} from '../db/schema';
import { TOPICS } from '../domain/events';
import { decodeCloudEvent, type ReceivedEvent } from '../activities/events/cloudevents';
import type { EventHandler, Tx } from './runtime';

export const ACCOUNT_SUMMARY_CONSUMER = 'account-summary';

type Exec = Db | Tx;

export interface Movement {
  from: string;
  to: string;
  amount: bigint;
  currency: string;
  month: string;
}

export function monthOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 7);
}

export function movementOf(received: ReceivedEvent): Movement | undefined {
  const d = received.event.data as Record<string, string>;
  const month = monthOf(received.event.time);
  if (received.type === 'transfer.completed') {
    return {
      from: d.fromAccountId!,
      to: d.toAccountId!,
      amount: BigInt(d.amount!),
      currency: d.currency!,
      month,
    };
  }
  if (received.type === 'transfer.reversed') {
    return {
      from: d.toAccountId!,
      to: d.fromAccountId!,
      amount: BigInt(d.amount!),
      currency: d.currency!,
      month,
    };
  }
  return undefined;
}

async function addSide(
  exec: Exec,
  account: string,
  counterparty: string,
  m: Movement,
  side: 'in' | 'out',
  amount: bigint,
  count: number,
): Promise<void> {
  const inMinor = side === 'in' ? amount : 0n;
  const outMinor = side === 'out' ? amount : 0n;
  await exec
    .insert(accountMonthlySummaries)
    .values({
      accountId: account,
      month: m.month,
      currency: m.currency,
      inMinor,
      outMinor,
      inCount: side === 'in' ? count : 0,
      outCount: side === 'out' ? count : 0,
    })
    .onConflictDoUpdate({
      target: [
        accountMonthlySummaries.accountId,
        accountMonthlySummaries.month,
        accountMonthlySummaries.currency,
      ],
      set: {
        inMinor: sql`${accountMonthlySummaries.inMinor} + ${inMinor}`,
        outMinor: sql`${accountMonthlySummaries.outMinor} + ${outMinor}`,
        inCount: sql`${accountMonthlySummaries.inCount} + ${side === 'in' ? count : 0}`,
        outCount: sql`${accountMonthlySummaries.outCount} + ${side === 'out' ? count : 0}`,
        updatedAt: new Date(),
      },
    });
  await exec
    .insert(accountMonthlyCounterparties)
    .values({
      accountId: account,
      month: m.month,
      currency: m.currency,
      counterpartyAccountId: counterparty,
      inMinor,
      outMinor,
      count,
    })
    .onConflictDoUpdate({
      target: [
        accountMonthlyCounterparties.accountId,
        accountMonthlyCounterparties.month,
        accountMonthlyCounterparties.currency,
        accountMonthlyCounterparties.counterpartyAccountId,
      ],
      set: {
        inMinor: sql`${accountMonthlyCounterparties.inMinor} + ${inMinor}`,
        outMinor: sql`${accountMonthlyCounterparties.outMinor} + ${outMinor}`,
        count: sql`${accountMonthlyCounterparties.count} + ${count}`,
      },
    });
}

export async function applyMovement(exec: Exec, m: Movement, times = 1): Promise<void> {
  await addSide(exec, m.from, m.to, m, 'out', m.amount * BigInt(times), times);
  await addSide(exec, m.to, m.from, m, 'in', m.amount * BigInt(times), times);
}

async function applyProfile(exec: Exec, received: ReceivedEvent): Promise<void> {
  const d = received.event.data as Record<string, string>;
  const status = {
    'account.opened': 'ACTIVE',
    'account.frozen': 'FROZEN',
    'account.unfrozen': 'ACTIVE',
    'account.closed': 'CLOSED',
  }[received.type as 'account.opened'];
  if (!status) return;
  await exec
    .insert(accountProfiles)
    .values({
      accountId: d.accountId!,
      customerId: d.customerId!,
      currency: d.currency!,
      status,
      openedAt: new Date(received.event.time),
    })
    .onConflictDoUpdate({
      target: accountProfiles.accountId,
      set: { status, updatedAt: new Date() },
    });
}

export function accountSummaryHandler(): EventHandler {
  return {
    name: ACCOUNT_SUMMARY_CONSUMER,
    topics: [TOPICS.transactions, TOPICS.accounts],
    async apply(received, tx) {
      const m = movementOf(received);
      if (m) await applyMovement(tx, m);
      else if (received.type.startsWith('account.')) await applyProfile(tx, received);
    },
  };
}

/** The summary the dashboard and the assistant read. */
export async function monthlySummary(db: Db, accountIds: string[], months = 6) {
  if (accountIds.length === 0) return [];
  const rows = await db
    .select()
    .from(accountMonthlySummaries)
    .where(inArray(accountMonthlySummaries.accountId, accountIds));
  const cps = await db
    .select()
    .from(accountMonthlyCounterparties)
    .where(inArray(accountMonthlyCounterparties.accountId, accountIds));
  return rows
    .sort((a, b) => b.month.localeCompare(a.month))
    .slice(0, months * accountIds.length)
    .map((r) => ({
      accountId: r.accountId,
      month: r.month,
      currency: r.currency,
      in: r.inMinor.toString(),
      out: r.outMinor.toString(),
      inCount: r.inCount,
      outCount: r.outCount,
      counterparties: cps
        .filter(
          (c) => c.accountId === r.accountId && c.month === r.month && c.currency === r.currency,
        )
        .map((c) => ({
          accountId: c.counterpartyAccountId,
          in: c.inMinor.toString(),
          out: c.outMinor.toString(),
          count: c.count,
        })),
    }));
}

/**
 * Rebuilds the summaries from the beginning of the `transactions` topic up to its current end,
 * in memory, then replaces the rows in one transaction. `accountIds` limits the rebuild to those
 * accounts (others are left untouched). Events are deduped by id, like the live consumer.
 */
export async function rebuildAccountSummaries(
  deps: { kafka: Kafka; db: Db },
  opts: { accountIds?: string[]; topic?: string; timeoutMs?: number } = {},
): Promise<{ events: number; accounts: number }> {
  const topic = opts.topic ?? TOPICS.transactions;
  const only = opts.accountIds ? new Set(opts.accountIds) : undefined;
  const admin = deps.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  const seen = new Set<string>();
  const movements: Movement[] = [];
  if (remaining.size > 0) {
    const consumer = deps.kafka.consumer({
      groupId: `rebuild-account-summary-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('rebuild timed out')),
        opts.timeoutMs ?? 120_000,
      );
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined) return;
            try {
              const received = decodeCloudEvent(message.value);
              const m = movementOf(received);
              if (
                m &&
                !seen.has(received.event.id) &&
                (!only || only.has(m.from) || only.has(m.to))
              ) {
                seen.add(received.event.id);
                movements.push(m);
              }
            } catch {
              // invalid records are the live consumer's dead-letter business
            }
            if (BigInt(message.offset) + 1n >= end) {
              remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
  }
  const touched = new Set<string>();
  await deps.db.transaction(async (tx) => {
    if (only) {
      const ids = [...only];
      await tx
        .delete(accountMonthlySummaries)
        .where(inArray(accountMonthlySummaries.accountId, ids));
      await tx
        .delete(accountMonthlyCounterparties)
        .where(inArray(accountMonthlyCounterparties.accountId, ids));
    } else {
      await tx.delete(accountMonthlySummaries);
      await tx.delete(accountMonthlyCounterparties);
    }
    for (const m of movements) {
      for (const [account, counterparty, side] of [
        [m.from, m.to, 'out'],
        [m.to, m.from, 'in'],
      ] as const) {
        if (only && !only.has(account)) continue;
        touched.add(account);
        await addSide(tx, account, counterparty, m, side, m.amount, 1);
      }
    }
  });
  return { events: movements.length, accounts: touched.size };
}

export async function summaryFor(db: Db, accountId: string, month: string, currency: string) {
  const [row] = await db
    .select()
    .from(accountMonthlySummaries)
    .where(
      and(
        eq(accountMonthlySummaries.accountId, accountId),
        eq(accountMonthlySummaries.month, month),
        eq(accountMonthlySummaries.currency, currency),
      ),
    );
  return row;
}
