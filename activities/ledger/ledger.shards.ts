/**
 * Settlement sharding: the cure for the ledger's hottest row.
 *
 * Every deposit debits the bank's settlement account, and every ledger transfer locks both of its
 * account rows `FOR UPDATE`, so all deposits in a currency queue on one row lock. Here the
 * settlement side is split into N ordinary `settlement` accounts (`acc_settlement_usd_s0` …);
 * a deposit debits the shard chosen by a hash of its transfer id, so concurrent deposits lock
 * different rows, and a retry of the same id picks the same shard (idempotency intact: the
 * replay finds the first transfer with the same fields). The bank's settlement position is the
 * sum over the main account and its shards. The double-entry invariant is untouched: shards are
 * accounts like any other, with settlement's flags (credits must not exceed debits).
 *
 * Credits back into settlement (withdrawals) should keep using the main account: a single shard
 * only has the room its own deposits made.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts } from '../../db/schema/ledger';
import { systemAccountIds } from '../../domain/ids';
import { assertCurrency, type Currency } from '../../domain/money';
import { createLedgerService, type TransferResult } from './ledger.service';

export const DEFAULT_SETTLEMENT_SHARDS = 8;

export function settlementShardId(currency: string, shard: number): string {
  return `${systemAccountIds.settlement(currency)}_s${shard}`;
}

/** FNV-1a of the transfer id: stable across processes and retries. */
export function shardOf(transferId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < transferId.length; i++) {
    h ^= transferId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

export function createSettlementShards(db: Db, options: { shards?: number } = {}) {
  const shards = options.shards ?? DEFAULT_SETTLEMENT_SHARDS;
  if (!Number.isInteger(shards) || shards < 1 || shards > 256) {
    throw new Error('settlement shards must be an integer in 1..256');
  }
  const ledger = createLedgerService(db);
  const ensured = new Set<Currency>();

  async function ensureShards(currency: string): Promise<void> {
    const cur = assertCurrency(currency);
    if (ensured.has(cur)) return;
    await ledger.ensureSystemAccounts([cur]);
    for (let i = 0; i < shards; i++) {
      await ledger.createAccount({
        id: settlementShardId(cur, i),
        currency: cur,
        kind: 'settlement',
      });
    }
    ensured.add(cur);
  }

  /** The settlement account (shard) a transfer with this id debits. */
  function settlementFor(transferId: string, currency: string): string {
    return settlementShardId(currency, shardOf(transferId, shards));
  }

  /** Funds a customer account from a settlement shard: `ledger.deposit`, minus the hot row. */
  async function deposit(input: {
    id: string;
    accountId: string;
    amount: bigint;
    currency: string;
    reference?: string;
  }): Promise<TransferResult> {
    await ensureShards(input.currency);
    return ledger.createTransfer({
      id: input.id,
      kind: 'single',
      debitAccountId: settlementFor(input.id, input.currency),
      creditAccountId: input.accountId,
      amount: input.amount,
      currency: input.currency,
      reference: input.reference,
    });
  }

  /** The settlement position (credits_posted - debits_posted) over the main account and shards. */
  async function settlementPosted(currency: string): Promise<bigint> {
    const cur = assertCurrency(currency);
    const ids = [systemAccountIds.settlement(cur)];
    for (let i = 0; i < shards; i++) ids.push(settlementShardId(cur, i));
    const rows = await db
      .select({ debits: accounts.debitsPosted, credits: accounts.creditsPosted })
      .from(accounts)
      .where(inArray(accounts.id, ids));
    return rows.reduce((sum, r) => sum + r.credits - r.debits, 0n);
  }

  return { shards, ensureShards, settlementFor, deposit, settlementPosted };
}

export type SettlementShards = ReturnType<typeof createSettlementShards>;
