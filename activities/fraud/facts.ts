/**
 * Where the rules get their state. History comes from `fraud_cases` (every scored transfer leaves
 * one; blocked ones are ignored), velocity windows from Redis sorted sets. Redis is optional:
 * when it is not ready or too slow, `velocityWindow` answers `undefined` and those rules are skipped.
 */
import { and, eq, gte, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accountProfiles, fraudCases } from '../../db/schema';
import type { Redis } from '../../platform/redis';
import type { Facts, ScoringSubject, WindowEntry } from './rules';

/** Entries older than this are trimmed from the velocity sets. */
export const VELOCITY_RETENTION_MS = 31 * 86_400_000;
export const REDIS_TIMEOUT_MS = 750;

export function velocityKey(accountId: string): string {
  return `fraud:velocity:${accountId}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis timed out after ${ms}ms`)), ms);
    }),
  ]);
}

/**
 * Records the transfer in its account's velocity set (idempotent: the member is the transfer id)
 * and returns every entry within `retention` before `at`. One round trip (MULTI).
 */
export async function recordVelocity(redis: Redis, s: ScoringSubject): Promise<WindowEntry[]> {
  if (redis.status !== 'ready') throw new Error(`redis not ready (${redis.status})`);
  const key = velocityKey(s.fromAccountId);
  const member = `${s.transferId}|${s.amount}`;
  const result = await withTimeout(
    redis
      .multi()
      .zadd(key, 'NX', s.atMs, member)
      .zremrangebyscore(key, '-inf', `(${s.atMs - VELOCITY_RETENTION_MS}`)
      .pexpire(key, VELOCITY_RETENTION_MS)
      .zrangebyscore(key, s.atMs - VELOCITY_RETENTION_MS, s.atMs, 'WITHSCORES')
      .exec(),
    REDIS_TIMEOUT_MS,
  );
  if (!result) throw new Error('redis transaction aborted');
  const [err, flat] = result[3] ?? [];
  if (err) throw err;
  const list = flat as string[];
  const entries: WindowEntry[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) {
    const [transferId, amount] = list[i]!.split('|');
    entries.push({
      transferId: transferId!,
      amount: BigInt(amount ?? '0'),
      atMs: Number(list[i + 1]),
    });
  }
  return entries;
}

export function createFacts(db: Db, velocity: WindowEntry[] | undefined): Facts {
  const earlierFrom = (s: ScoringSubject) =>
    and(
      eq(fraudCases.fromAccountId, s.fromAccountId),
      ne(fraudCases.transferId, s.transferId),
      ne(fraudCases.decision, 'BLOCK'),
      lte(fraudCases.occurredAt, new Date(s.atMs)),
    );
  return {
    async paidPayeeBefore(s) {
      const rows = await db
        .select({ one: sql<number>`1` })
        .from(fraudCases)
        .where(and(earlierFrom(s), eq(fraudCases.toAccountId, s.toAccountId)))
        .limit(1);
      return rows.length > 0;
    },
    async maxOutgoingSince(s, sinceMs) {
      const rows = await db
        .select({ max: sql<string | null>`max(${fraudCases.amount})::text` })
        .from(fraudCases)
        .where(
          and(
            earlierFrom(s),
            eq(fraudCases.currency, s.currency),
            gte(fraudCases.occurredAt, new Date(sinceMs)),
          ),
        );
      const max = rows[0]?.max;
      return max === null || max === undefined ? null : BigInt(max);
    },
    async amountsSince(s, sinceMs) {
      const rows = await db
        .select({ amount: fraudCases.amount })
        .from(fraudCases)
        .where(
          and(
            earlierFrom(s),
            eq(fraudCases.currency, s.currency),
            gte(fraudCases.occurredAt, new Date(sinceMs)),
          ),
        );
      return rows.map((r) => r.amount);
    },
    async accountOpenedAtMs(s) {
      const rows = await db
        .select({ openedAt: accountProfiles.openedAt })
        .from(accountProfiles)
        .where(eq(accountProfiles.accountId, s.fromAccountId))
        .limit(1);
      if (rows[0]) return rows[0].openedAt.getTime();
      // The ledger's own accounts table (money core), when present.
      try {
        const res = await db.execute(
          sql`select created_at from accounts where id = ${s.fromAccountId} limit 1`,
        );
        const at = res.rows[0]?.created_at;
        return at ? new Date(at as string).getTime() : undefined;
      } catch {
        return undefined;
      }
    },
    async velocityWindow(s, windowMs) {
      if (!velocity) return undefined;
      return velocity.filter((e) => e.atMs >= s.atMs - windowMs && e.atMs <= s.atMs);
    },
  };
}
