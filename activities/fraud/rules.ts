/**
 * Fraud rules are data (`fraud_rules` rows): a type, params, a weight and an action. This module
 * knows the built-in types: how to validate their params and how to evaluate them against
 * `Facts` (history in Postgres, velocity windows in Redis). Evaluation is deterministic for the
 * same input and the same state: every window is anchored on the transfer's own time (`at`).
 */
import { z } from 'zod';
import type { FraudAssessment, FraudDecision, FraudReason } from '../../domain/transfer';

export const RULE_TYPES = [
  'amount_threshold',
  'velocity_count',
  'velocity_sum',
  'new_payee_amount',
  'above_recent_max',
  'structuring',
  'fresh_account',
  'blocklist',
  'allowlist',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** SCORE adds the weight; REVIEW and BLOCK also force at least that decision; ALLOW allowlists. */
export const RULE_ACTIONS = ['SCORE', 'REVIEW', 'BLOCK', 'ALLOW'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export interface FraudRule {
  id: string;
  name: string;
  type: RuleType;
  params: Record<string, unknown>;
  weight: number;
  action: RuleAction;
  active: boolean;
}

const minor = z.string().regex(/^\d{1,19}$/, 'a non-negative MinorString');
const seconds = z
  .number()
  .int()
  .positive()
  .max(30 * 24 * 3600);
const idList = z.array(z.string().min(1)).max(10_000).default([]);

/** Params per type. Validated on write (ops API) and on read. */
export const RULE_PARAM_SCHEMAS = {
  /** amount > thresholdMinor (default: FRAUD_REVIEW_THRESHOLD_MINOR); optional currency filter. */
  amount_threshold: z
    .object({ thresholdMinor: minor.optional(), currency: z.string().optional() })
    .strict(),
  /** more than maxCount transfers (this one included) from the account within windowSeconds. */
  velocity_count: z
    .object({ windowSeconds: seconds, maxCount: z.number().int().positive() })
    .strict(),
  /** the account's outgoing sum (this one included) within windowSeconds exceeds maxSumMinor. */
  velocity_sum: z.object({ windowSeconds: seconds, maxSumMinor: minor }).strict(),
  /** the first transfer to a payee this account never paid before, above minAmountMinor. */
  new_payee_amount: z.object({ minAmountMinor: minor }).strict(),
  /** amount > multiplier × the account's max outgoing over lookbackDays (needs some history). */
  above_recent_max: z
    .object({
      multiplier: z.number().positive().max(100).default(1.5),
      lookbackDays: z.number().int().positive().max(366).default(90),
    })
    .strict(),
  /** at least minCount transfers (this one included) within windowSeconds whose amounts are
   * within tolerancePercent of this one: splitting a sum to stay under a threshold. */
  structuring: z
    .object({
      windowSeconds: seconds.default(3600),
      minCount: z.number().int().min(2).default(3),
      tolerancePercent: z.number().min(0).max(50).default(5),
      minAmountMinor: minor.default('0'),
    })
    .strict(),
  /** the source account was opened less than maxAgeDays ago, and amount >= minAmountMinor. */
  fresh_account: z
    .object({
      maxAgeDays: z.number().positive().max(365).default(7),
      minAmountMinor: minor.default('0'),
    })
    .strict(),
  /** from/to account or customer on the list. */
  blocklist: z.object({ accountIds: idList, customerIds: idList }).strict(),
  allowlist: z.object({ accountIds: idList, customerIds: idList }).strict(),
} satisfies Record<RuleType, z.ZodType>;

export function isRuleType(value: unknown): value is RuleType {
  return typeof value === 'string' && (RULE_TYPES as readonly string[]).includes(value);
}

export type ParamCheck =
  { ok: true; params: Record<string, unknown> } | { ok: false; error: string };

export function parseRuleParams(type: RuleType, params: unknown): ParamCheck {
  const parsed = RULE_PARAM_SCHEMAS[type].safeParse(params ?? {});
  if (parsed.success) return { ok: true, params: parsed.data as Record<string, unknown> };
  return {
    ok: false,
    error: parsed.error.issues
      .map((i) => `${i.path.join('.') || 'params'}: ${i.message}`)
      .join('; '),
  };
}

/** The transfer being scored, parsed. */
export interface ScoringSubject {
  transferId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: bigint;
  currency: string;
  atMs: number;
  fromAccountOpenedAtMs?: number;
}

/** A transfer in a velocity window (from Redis), this one included. */
export interface WindowEntry {
  transferId: string;
  amount: bigint;
  atMs: number;
}

/** State the rules read. Anything that may be unavailable returns `undefined` (rule skipped). */
export interface Facts {
  /** Has the account scored a transfer to this payee before `atMs`? */
  paidPayeeBefore(s: ScoringSubject): Promise<boolean>;
  /** Max outgoing amount from the account in [since, atMs), or null without history. */
  maxOutgoingSince(s: ScoringSubject, sinceMs: number): Promise<bigint | null>;
  /** Amounts of the account's earlier transfers in [since, atMs). */
  amountsSince(s: ScoringSubject, sinceMs: number): Promise<bigint[]>;
  /** When the account was opened, if known. */
  accountOpenedAtMs(s: ScoringSubject): Promise<number | undefined>;
  /** The velocity window (Redis): every transfer of the account in [atMs - window, atMs],
   * this one included; `undefined` when Redis is unavailable. */
  velocityWindow(s: ScoringSubject, windowMs: number): Promise<WindowEntry[] | undefined>;
}

export interface RuleOutcome {
  hit: boolean;
  value: string;
  /** The rule could not run (its data source is down); it is reported, not scored. */
  skipped?: boolean;
}

export interface RuleDefaults {
  reviewThresholdMinor: bigint;
}

const DAY_MS = 86_400_000;

export async function evaluateRule(
  rule: FraudRule,
  s: ScoringSubject,
  facts: Facts,
  defaults: RuleDefaults,
): Promise<RuleOutcome> {
  const check = parseRuleParams(rule.type, rule.params);
  if (!check.ok) return { hit: false, value: `invalid params: ${check.error}`, skipped: true };
  const p = check.params as never;
  switch (rule.type) {
    case 'amount_threshold': {
      const { thresholdMinor, currency } = p as { thresholdMinor?: string; currency?: string };
      if (currency && currency !== s.currency) return { hit: false, value: 'other currency' };
      const threshold =
        thresholdMinor !== undefined ? BigInt(thresholdMinor) : defaults.reviewThresholdMinor;
      return { hit: s.amount > threshold, value: `amount ${s.amount} > ${threshold}` };
    }
    case 'velocity_count': {
      const { windowSeconds, maxCount } = p as { windowSeconds: number; maxCount: number };
      const window = await facts.velocityWindow(s, windowSeconds * 1000);
      if (!window) return { hit: false, value: 'redis unavailable', skipped: true };
      return {
        hit: window.length > maxCount,
        value: `${window.length} transfers in ${windowSeconds}s (max ${maxCount})`,
      };
    }
    case 'velocity_sum': {
      const { windowSeconds, maxSumMinor } = p as { windowSeconds: number; maxSumMinor: string };
      const window = await facts.velocityWindow(s, windowSeconds * 1000);
      if (!window) return { hit: false, value: 'redis unavailable', skipped: true };
      const sum = window.reduce((acc, e) => acc + e.amount, 0n);
      return {
        hit: sum > BigInt(maxSumMinor),
        value: `sum ${sum} in ${windowSeconds}s (max ${maxSumMinor})`,
      };
    }
    case 'new_payee_amount': {
      const { minAmountMinor } = p as { minAmountMinor: string };
      if (s.amount <= BigInt(minAmountMinor))
        return { hit: false, value: `amount ${s.amount} <= ${minAmountMinor}` };
      const seen = await facts.paidPayeeBefore(s);
      return {
        hit: !seen,
        value: seen ? 'known payee' : `new payee, amount ${s.amount} > ${minAmountMinor}`,
      };
    }
    case 'above_recent_max': {
      const { multiplier, lookbackDays } = p as { multiplier: number; lookbackDays: number };
      const max = await facts.maxOutgoingSince(s, s.atMs - lookbackDays * DAY_MS);
      if (max === null) return { hit: false, value: `no outgoing history in ${lookbackDays}d` };
      // Exact: amount > multiplier × max, with the multiplier as a fraction over 1000.
      const scaled = BigInt(Math.round(multiplier * 1000));
      const hit = s.amount * 1000n > max * scaled;
      return {
        hit,
        value: `amount ${s.amount} vs ${multiplier} x max ${max} over ${lookbackDays}d`,
      };
    }
    case 'structuring': {
      const { windowSeconds, minCount, tolerancePercent, minAmountMinor } = p as {
        windowSeconds: number;
        minCount: number;
        tolerancePercent: number;
        minAmountMinor: string;
      };
      if (s.amount < BigInt(minAmountMinor))
        return { hit: false, value: `amount below ${minAmountMinor}` };
      const earlier = await facts.amountsSince(s, s.atMs - windowSeconds * 1000);
      const tol = BigInt(Math.round(tolerancePercent * 100)); // basis points
      const similar = earlier.filter((a) => {
        const diff = a > s.amount ? a - s.amount : s.amount - a;
        return diff * 10_000n <= s.amount * tol;
      }).length;
      const count = similar + 1;
      return {
        hit: count >= minCount,
        value: `${count} similar amounts (±${tolerancePercent}%) within ${windowSeconds}s`,
      };
    }
    case 'fresh_account': {
      const { maxAgeDays, minAmountMinor } = p as { maxAgeDays: number; minAmountMinor: string };
      const opened = s.fromAccountOpenedAtMs ?? (await facts.accountOpenedAtMs(s));
      if (opened === undefined)
        return { hit: false, value: 'account opening time unknown', skipped: true };
      const ageDays = (s.atMs - opened) / DAY_MS;
      const hit = ageDays < maxAgeDays && s.amount >= BigInt(minAmountMinor);
      return { hit, value: `account age ${ageDays.toFixed(2)}d (fresh < ${maxAgeDays}d)` };
    }
    case 'blocklist':
    case 'allowlist': {
      const { accountIds, customerIds } = p as { accountIds: string[]; customerIds: string[] };
      const matched =
        [s.fromAccountId, s.toAccountId].find((a) => accountIds.includes(a)) ??
        (customerIds.includes(s.customerId) ? s.customerId : undefined);
      return { hit: matched !== undefined, value: matched ? `listed: ${matched}` : 'not listed' };
    }
  }
}

export interface Thresholds {
  reviewScore: number;
  blockScore: number;
}

export interface RuleResult {
  rule: FraudRule;
  outcome: RuleOutcome;
}

/**
 * Score = sum of the weights of the rules that hit, capped to 0..100. Decision:
 * a hit BLOCK rule blocks; else an ALLOW (allowlist) hit allows; else the score against the
 * thresholds, raised to REVIEW by any hit REVIEW rule.
 */
export function decide(results: RuleResult[], t: Thresholds): FraudAssessment {
  const hits = results.filter((r) => r.outcome.hit);
  const reasons: FraudReason[] = hits.map((r) => ({
    rule: r.rule.name,
    value: r.outcome.value,
    weight: r.rule.action === 'ALLOW' ? 0 : r.rule.weight,
  }));
  const raw = hits
    .filter((r) => r.rule.action !== 'ALLOW')
    .reduce((acc, r) => acc + r.rule.weight, 0);
  let score = Math.max(0, Math.min(100, raw));
  let decision: FraudDecision;
  if (hits.some((r) => r.rule.action === 'BLOCK')) {
    decision = 'BLOCK';
  } else if (hits.some((r) => r.rule.action === 'ALLOW')) {
    decision = 'ALLOW';
    score = 0;
  } else if (score >= t.blockScore) {
    decision = 'BLOCK';
  } else if (score >= t.reviewScore || hits.some((r) => r.rule.action === 'REVIEW')) {
    decision = 'REVIEW';
  } else {
    decision = 'ALLOW';
  }
  return { score, decision, reasons };
}

/** Built-in rules used when the rule set has no rows at all: only the amount threshold, so a
 * fresh install behaves like the transfer workflow's default (over $50,000 → review). */
export function defaultRules(): FraudRule[] {
  return [
    {
      id: 'frl_builtin_amount_threshold',
      name: 'amount_threshold',
      type: 'amount_threshold',
      params: {},
      weight: 50,
      action: 'REVIEW',
      active: true,
    },
  ];
}
