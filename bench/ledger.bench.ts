/**
 * Benchmark 2: the ledger service straight against Postgres (no Temporal, no HTTP), N concurrent
 * clients each with its own pooled connection, next to `pgbench -N` at the same client count.
 *
 * - single: one single-phase transfer; hold+post: a hold then its post (counted as one pair).
 * - random: between random funded customer accounts; hot: every transfer debits the USD
 *   settlement account (what deposits do), so all of them queue on that row's lock.
 * - hot, sharded: the same through activities/ledger/ledger.shards.ts (settlement split in N).
 */
import { randomUUID } from 'node:crypto';
import { createLedgerService, type LedgerService } from '../activities/ledger/ledger.service';
import { createSettlementShards, type SettlementShards } from '../activities/ledger/ledger.shards';
import { systemAccountIds } from '../domain/ids';
import { ADMIN_URL, freshDatabase, openDatabase } from './lib/bench-env';
import { closedLoop, type LoadResult } from './lib/load';
import { preparePgbench, runPgbench } from './lib/pgbench';

export interface LedgerOptions {
  clients: number[];
  seconds: number;
  accounts: number;
  shards?: number;
  databaseName?: string;
  log?: (m: string) => void;
}

export type LedgerMode =
  | 'single/random'
  | 'hold+post/random'
  | 'single/hot'
  | 'hold+post/hot'
  | 'single/hot-sharded'
  | 'hold+post/hot-sharded';

export interface LedgerLevel {
  clients: number;
  pgbenchTps: number;
  modes: Record<LedgerMode, LoadResult>;
}

export interface LedgerResult {
  levels: LedgerLevel[];
  shards: number;
  accounts: number;
  invariantBalanced: boolean;
}

const SETTLEMENT_USD = systemAccountIds.settlement('USD');

export async function runLedgerBench(opts: LedgerOptions): Promise<LedgerResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const dbUrl = await freshDatabase(opts.databaseName ?? 'bank_bench_ledger');
  const maxClients = Math.max(...opts.clients);
  const database = openDatabase(dbUrl, maxClients);
  const pgbenchUrl = preparePgbench(ADMIN_URL);
  try {
    const ledger = createLedgerService(database.db);
    const shards = createSettlementShards(database.db, { shards: opts.shards ?? 8 });
    await shards.ensureShards('USD');
    const run = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (let i = 0; i < opts.accounts; i++) {
      const id = `acc_lb${run}${String(i).padStart(6, '0')}`;
      await ledger.createAccount({ id, currency: 'USD', kind: 'customer', customerId: null });
      await ledger.deposit({
        id: `fund-${id}`,
        accountId: id,
        amount: 10n ** 12n,
        currency: 'USD',
      });
      ids.push(id);
    }
    log(`[ledger] ${ids.length} funded accounts, settlement in ${shards.shards} shards`);
    const ops = makeOps(ledger, shards, ids);

    const levels: LedgerLevel[] = [];
    for (const clients of opts.clients) {
      const pgbenchTps = runPgbench(pgbenchUrl, clients, opts.seconds);
      const modes = {} as Record<LedgerMode, LoadResult>;
      for (const [mode, op] of Object.entries(ops) as [LedgerMode, () => Promise<boolean>][]) {
        modes[mode] = await closedLoop(clients, opts.seconds, op);
        const r = modes[mode];
        log(
          `[ledger] ${clients} clients ${mode}: ${r.perSecond.toFixed(1)}/s (p99 ${r.p99Ms} ms, ` +
            `${r.failed} failed${r.firstError ? `: ${r.firstError}` : ''}) vs pgbench ${pgbenchTps.toFixed(1)} tps`,
        );
      }
      levels.push({ clients, pgbenchTps, modes });
    }
    const invariant = await ledger.checkInvariant();
    return {
      levels,
      shards: shards.shards,
      accounts: ids.length,
      invariantBalanced: invariant.balanced,
    };
  } finally {
    await database.close();
  }
}

function makeOps(
  ledger: LedgerService,
  shards: SettlementShards,
  ids: string[],
): Record<LedgerMode, () => Promise<boolean>> {
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  const pair = () => {
    const a = pick();
    let b = pick();
    while (b === a) b = pick();
    return [a, b] as const;
  };
  const holdPost = async (debit: string, credit: string, id: string) => {
    await ledger.holdFunds({
      id: `${id}:hold`,
      debitAccountId: debit,
      creditAccountId: credit,
      amount: 1n,
      currency: 'USD',
    });
    await ledger.postPending({ id: `${id}:post`, pendingId: `${id}:hold` });
    return true;
  };
  return {
    'single/random': async () => {
      const [a, b] = pair();
      const r = await ledger.createTransfer({
        id: `lb-${randomUUID()}`,
        kind: 'single',
        debitAccountId: a,
        creditAccountId: b,
        amount: 1n,
        currency: 'USD',
      });
      return !r.replayed;
    },
    'hold+post/random': async () => {
      const [a, b] = pair();
      return holdPost(a, b, `lb-${randomUUID()}`);
    },
    'single/hot': async () => {
      const r = await ledger.deposit({
        id: `lb-${randomUUID()}`,
        accountId: pick(),
        amount: 1n,
        currency: 'USD',
      });
      return !r.replayed;
    },
    'hold+post/hot': async () => holdPost(SETTLEMENT_USD, pick(), `lb-${randomUUID()}`),
    'single/hot-sharded': async () => {
      const r = await shards.deposit({
        id: `lb-${randomUUID()}`,
        accountId: pick(),
        amount: 1n,
        currency: 'USD',
      });
      return !r.replayed;
    },
    'hold+post/hot-sharded': async () => {
      const id = `lb-${randomUUID()}`;
      return holdPost(shards.settlementFor(id, 'USD'), pick(), id);
    },
  };
}
