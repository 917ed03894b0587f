import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import Redis from 'ioredis';
import { createDatabase, type Database } from '../../db/client';
import { fraudCases } from '../../db/schema';
import type { ScoreTransferInput } from '../../domain/transfer';
import { createLogger } from '../../platform/logger';
import { createRedis } from '../../platform/redis';
import { createFraudActivities } from './fraud.activities';
import { createFraudRulesService, type FraudRuleInput } from './fraud-rules.service';
import { velocityKey } from './facts';

const uid = () => randomBytes(6).toString('hex');
const config = {
  FRAUD_REVIEW_THRESHOLD_MINOR: 5_000_000n,
  FRAUD_REVIEW_SCORE: 50,
  FRAUD_BLOCK_SCORE: 90,
};
const logger = createLogger({ level: 'silent' });
const T0 = Date.parse('2026-03-10T12:00:00.000Z');

let database: Database;
let redis: Redis;

beforeAll(async () => {
  database = createDatabase(process.env.DATABASE_URL!, { max: 4 });
  redis = createRedis(process.env.REDIS_URL!);
  await redis.ping();
});
afterAll(async () => {
  redis.disconnect();
  await database.close();
});

/** A scorer bound to a fresh rule set holding exactly `rules`. */
async function scorerWith(rules: Omit<FraudRuleInput, 'ruleSet'>[], r: Redis = redis) {
  const ruleSet = `test-${uid()}`;
  const svc = createFraudRulesService(database.db);
  for (const rule of rules) await svc.create({ ...rule, ruleSet });
  return createFraudActivities({ db: database.db, redis: r, config, logger, ruleSet });
}

function account() {
  return `acc_${uid()}`;
}

let seq = 0;
function transfer(from: string, over: Partial<ScoreTransferInput> = {}): ScoreTransferInput {
  seq += 1;
  return {
    transferId: `trf_${uid()}${seq}`,
    customerId: `cus_${uid()}`,
    fromAccountId: from,
    toAccountId: account(),
    amount: '1000',
    currency: 'USD',
    at: new Date(T0).toISOString(),
    ...over,
  };
}
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

describe('scoreTransfer', () => {
  it('uses the built-in amount threshold when the rule set is empty, and leaves a case row', async () => {
    const scorer = createFraudActivities({
      db: database.db,
      redis,
      config,
      logger,
      ruleSet: `empty-${uid()}`,
    });
    const big = transfer(account(), { amount: '5000001' });
    const small = transfer(account(), { amount: '5000000' });
    const a = await scorer.scoreTransfer(big);
    const b = await scorer.scoreTransfer(small);
    expect(a.decision).toBe('REVIEW');
    expect(a.reasons).toEqual([
      { rule: 'amount_threshold', value: 'amount 5000001 > 5000000', weight: 50 },
    ]);
    expect(b).toMatchObject({ decision: 'ALLOW', score: 0, reasons: [] });
    const [row] = await database.db
      .select()
      .from(fraudCases)
      .where(eq(fraudCases.transferId, big.transferId));
    expect(row).toMatchObject({ decision: 'REVIEW', score: 50, amount: 5000001n, degraded: false });
  });

  it('is deterministic: a retry returns the first assessment even after the state changed', async () => {
    const from = account();
    const scorer = await scorerWith([
      {
        name: 'vel',
        type: 'velocity_count',
        params: { windowSeconds: 600, maxCount: 1 },
        weight: 60,
      },
    ]);
    const first = transfer(from, { at: at(0) });
    const r1 = await scorer.scoreTransfer(first);
    await scorer.scoreTransfer(transfer(from, { at: at(1000) }));
    const again = await scorer.scoreTransfer(first);
    expect(again).toEqual(r1);
    expect(r1.decision).toBe('ALLOW');
  });

  it('amount_threshold with its own threshold and currency filter', async () => {
    const scorer = await scorerWith([
      {
        name: 'big-eur',
        type: 'amount_threshold',
        params: { thresholdMinor: '100', currency: 'EUR' },
        weight: 55,
      },
    ]);
    expect(
      (await scorer.scoreTransfer(transfer(account(), { amount: '101', currency: 'EUR' })))
        .decision,
    ).toBe('REVIEW');
    expect(
      (await scorer.scoreTransfer(transfer(account(), { amount: '101', currency: 'USD' })))
        .decision,
    ).toBe('ALLOW');
    expect(
      (await scorer.scoreTransfer(transfer(account(), { amount: '100', currency: 'EUR' })))
        .decision,
    ).toBe('ALLOW');
  });

  it('velocity_count counts transfers in a sliding window in Redis', async () => {
    const from = account();
    const scorer = await scorerWith([
      {
        name: 'burst',
        type: 'velocity_count',
        params: { windowSeconds: 600, maxCount: 3 },
        weight: 60,
      },
    ]);
    const results = [];
    for (const offset of [0, 60_000, 120_000, 180_000]) {
      results.push(await scorer.scoreTransfer(transfer(from, { at: at(offset) })));
    }
    expect(results.map((r) => r.decision)).toEqual(['ALLOW', 'ALLOW', 'ALLOW', 'REVIEW']);
    expect(results[3]!.reasons[0]).toMatchObject({
      rule: 'burst',
      value: '4 transfers in 600s (max 3)',
      weight: 60,
    });
    // 11 minutes after the first: the first two have slid out of the window (3 left incl. this).
    const later = await scorer.scoreTransfer(
      transfer(from, { at: at(181_000 + 600_000 - 120_000) }),
    );
    expect(later.decision).toBe('ALLOW');
    expect(await redis.zcard(velocityKey(from))).toBe(5);
    await redis.del(velocityKey(from));
  });

  it('velocity_sum sums the window', async () => {
    const from = account();
    const scorer = await scorerWith([
      {
        name: 'sum',
        type: 'velocity_sum',
        params: { windowSeconds: 3600, maxSumMinor: '10000' },
        weight: 70,
      },
    ]);
    const a = await scorer.scoreTransfer(transfer(from, { amount: '6000', at: at(0) }));
    const b = await scorer.scoreTransfer(transfer(from, { amount: '4000', at: at(1000) }));
    const c = await scorer.scoreTransfer(transfer(from, { amount: '1', at: at(2000) }));
    const d = await scorer.scoreTransfer(transfer(from, { amount: '9000', at: at(3_602_000) }));
    expect([a, b, c, d].map((r) => r.decision)).toEqual(['ALLOW', 'ALLOW', 'REVIEW', 'ALLOW']);
    expect(c.reasons[0]!.value).toBe('sum 10001 in 3600s (max 10000)');
    await redis.del(velocityKey(from));
  });

  it('new_payee_amount flags the first large transfer to a payee only', async () => {
    const from = account();
    const payee = account();
    const scorer = await scorerWith([
      {
        name: 'new-payee',
        type: 'new_payee_amount',
        params: { minAmountMinor: '50000' },
        weight: 50,
      },
    ]);
    const small = await scorer.scoreTransfer(
      transfer(from, { toAccountId: payee, amount: '100', at: at(0) }),
    );
    const otherPayee = await scorer.scoreTransfer(
      transfer(from, { amount: '60000', at: at(1000) }),
    );
    const known = await scorer.scoreTransfer(
      transfer(from, { toAccountId: payee, amount: '60000', at: at(2000) }),
    );
    expect(small.decision).toBe('ALLOW');
    expect(otherPayee.decision).toBe('REVIEW');
    expect(otherPayee.reasons[0]!.value).toContain('new payee');
    expect(known.decision).toBe('ALLOW');
  });

  it('above_recent_max compares with 1.5 x the 3-month max outgoing', async () => {
    const from = account();
    const scorer = await scorerWith([
      {
        name: 'spike',
        type: 'above_recent_max',
        params: { multiplier: 1.5, lookbackDays: 90 },
        weight: 50,
      },
    ]);
    const day = 86_400_000;
    const first = await scorer.scoreTransfer(
      transfer(from, { amount: '999999', at: at(-100 * day) }),
    );
    await scorer.scoreTransfer(transfer(from, { amount: '1000', at: at(-20 * day) }));
    await scorer.scoreTransfer(transfer(from, { amount: '2000', at: at(-10 * day) }));
    const equal = await scorer.scoreTransfer(transfer(from, { amount: '3000', at: at(0) }));
    const above = await scorer.scoreTransfer(transfer(from, { amount: '4501', at: at(1000) }));
    expect(first.decision).toBe('ALLOW'); // no history yet
    expect(equal.decision).toBe('ALLOW'); // 3000 is not > 1.5 × 2000 (the 100-day-old one is out)
    expect(above.decision).toBe('REVIEW'); // 4501 > 1.5 × 3000
    expect(above.reasons[0]!.value).toBe('amount 4501 vs 1.5 x max 3000 over 90d');
  });

  it('structuring flags near-identical amounts within an hour', async () => {
    const from = account();
    const scorer = await scorerWith([
      {
        name: 'structuring',
        type: 'structuring',
        params: { windowSeconds: 3600, minCount: 3, tolerancePercent: 2 },
        weight: 60,
      },
    ]);
    const r = [];
    r.push(await scorer.scoreTransfer(transfer(from, { amount: '990000', at: at(0) })));
    r.push(await scorer.scoreTransfer(transfer(from, { amount: '500000', at: at(60_000) })));
    r.push(await scorer.scoreTransfer(transfer(from, { amount: '995000', at: at(120_000) })));
    r.push(await scorer.scoreTransfer(transfer(from, { amount: '999000', at: at(180_000) })));
    r.push(
      await scorer.scoreTransfer(transfer(from, { amount: '999000', at: at(180_000 + 3_700_000) })),
    );
    expect(r.map((x) => x.decision)).toEqual(['ALLOW', 'ALLOW', 'ALLOW', 'REVIEW', 'ALLOW']);
    expect(r[3]!.reasons[0]!.value).toBe('3 similar amounts (±2%) within 3600s');
  });

  it('fresh_account flags transfers from a recently opened account', async () => {
    const scorer = await scorerWith([
      {
        name: 'fresh',
        type: 'fresh_account',
        params: { maxAgeDays: 7, minAmountMinor: '1000' },
        weight: 50,
      },
    ]);
    const day = 86_400_000;
    const fresh = await scorer.scoreTransfer(
      transfer(account(), { fromAccountOpenedAt: at(-day) }),
    );
    const old = await scorer.scoreTransfer(
      transfer(account(), { fromAccountOpenedAt: at(-30 * day) }),
    );
    const tiny = await scorer.scoreTransfer(
      transfer(account(), { amount: '999', fromAccountOpenedAt: at(-day) }),
    );
    const unknown = await scorer.scoreTransfer(transfer(account()));
    expect([fresh, old, tiny, unknown].map((r) => r.decision)).toEqual([
      'REVIEW',
      'ALLOW',
      'ALLOW',
      'ALLOW',
    ]);
    expect(fresh.reasons[0]!.value).toBe('account age 1.00d (fresh < 7d)');
  });

  it('blocklist blocks; allowlist allows over scoring rules but not over a block', async () => {
    const bad = account();
    const trusted = account();
    const scorer = await scorerWith([
      {
        name: 'blocklist',
        type: 'blocklist',
        params: { accountIds: [bad] },
        weight: 100,
        action: 'BLOCK',
      },
      {
        name: 'allowlist',
        type: 'allowlist',
        params: { accountIds: [trusted] },
        weight: 0,
        action: 'ALLOW',
      },
      { name: 'threshold', type: 'amount_threshold', params: { thresholdMinor: '10' }, weight: 60 },
    ]);
    const blocked = await scorer.scoreTransfer(transfer(account(), { toAccountId: bad }));
    const allowed = await scorer.scoreTransfer(transfer(trusted, { amount: '1000' }));
    const both = await scorer.scoreTransfer(transfer(trusted, { toAccountId: bad }));
    const plain = await scorer.scoreTransfer(transfer(account(), { amount: '1000' }));
    expect(blocked.decision).toBe('BLOCK');
    expect(blocked.score).toBe(100);
    expect(allowed).toMatchObject({ decision: 'ALLOW', score: 0 });
    expect(allowed.reasons.map((r) => r.rule).sort()).toEqual(['allowlist', 'threshold']);
    expect(both.decision).toBe('BLOCK');
    expect(plain.decision).toBe('REVIEW');
  });

  it('sums weights into a 0..100 score and blocks at FRAUD_BLOCK_SCORE', async () => {
    const scorer = await scorerWith([
      { name: 'a', type: 'amount_threshold', params: { thresholdMinor: '10' }, weight: 40 },
      { name: 'b', type: 'amount_threshold', params: { thresholdMinor: '100' }, weight: 30 },
      { name: 'c', type: 'amount_threshold', params: { thresholdMinor: '1000' }, weight: 50 },
    ]);
    const low = await scorer.scoreTransfer(transfer(account(), { amount: '50' }));
    const mid = await scorer.scoreTransfer(transfer(account(), { amount: '500' }));
    const high = await scorer.scoreTransfer(transfer(account(), { amount: '5000' }));
    expect(low).toMatchObject({ score: 40, decision: 'ALLOW' });
    expect(mid).toMatchObject({ score: 70, decision: 'REVIEW' });
    expect(high).toMatchObject({ score: 100, decision: 'BLOCK' });
  });

  it('degrades to the non-Redis rules when Redis is down, and says so', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const warnings: unknown[] = [];
    const spyLogger = createLogger({ level: 'silent' });
    spyLogger.warn = ((obj: unknown) => {
      warnings.push(obj);
    }) as never;
    const ruleSet = `test-${uid()}`;
    const svc = createFraudRulesService(database.db);
    await svc.create({
      ruleSet,
      name: 'burst',
      type: 'velocity_count',
      params: { windowSeconds: 60, maxCount: 1 },
      weight: 90,
    });
    await svc.create({
      ruleSet,
      name: 'big',
      type: 'amount_threshold',
      params: { thresholdMinor: '100' },
      weight: 50,
    });
    const scorer = createFraudActivities({
      db: database.db,
      redis: down,
      config,
      logger: spyLogger,
      ruleSet,
    });
    const result = await scorer.scoreTransfer(transfer(account(), { amount: '1000' }));
    expect(result).toMatchObject({ decision: 'REVIEW', score: 50, degraded: true });
    expect(result.reasons).toContainEqual({
      rule: 'degraded',
      value: 'redis unavailable: velocity rules skipped',
      weight: 0,
    });
    expect(warnings).toHaveLength(1);
    down.disconnect();
  });

  it('rejects invalid rule params and inputs with typed errors', async () => {
    const svc = createFraudRulesService(database.db);
    await expect(
      svc.create({
        ruleSet: `x-${uid()}`,
        name: 'bad',
        type: 'velocity_count',
        params: { windowSeconds: -1 },
        weight: 10,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const scorer = await scorerWith([]);
    await expect(scorer.scoreTransfer(transfer(account(), { amount: '-5' }))).rejects.toMatchObject(
      { type: 'INVALID_AMOUNT' },
    );
  });
});
