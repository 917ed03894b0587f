/**
 * `scoreTransfer`: the fraud activity the TransferWorkflow calls after the hold.
 *
 * - Rules come from `fraud_rules` (rule set `default` unless configured); an empty set means the
 *   built-in amount threshold (FRAUD_REVIEW_THRESHOLD_MINOR → REVIEW).
 * - Score 0..100 with reasons; ALLOW / REVIEW / BLOCK from FRAUD_REVIEW_SCORE / FRAUD_BLOCK_SCORE.
 * - Every scored transfer leaves one `fraud_cases` row keyed by the transfer id: a retry returns
 *   the first assessment, so scoring is deterministic across retries.
 * - REVIEW and BLOCK publish `fraud.alert` (deterministic event id; republished on retry, deduped
 *   by consumers) when a producer is given. The workflow does not publish it itself.
 * - Redis down → velocity rules are skipped, the case is marked degraded, a warning is logged;
 *   the transfer is never failed for it.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Producer } from 'kafkajs';
import type { Db } from '../../db/client';
import { fraudCases, fraudRules } from '../../db/schema';
import { DomainError } from '../../domain/errors';
import { eventId, workflowIds } from '../../domain/ids';
import { toPositiveMinor } from '../../domain/money';
import type {
  FraudAssessment,
  FraudDecision,
  FraudReason,
  ScoreTransferInput,
} from '../../domain/transfer';
import type { Config } from '../../platform/config';
import type { Logger } from '../../platform/logger';
import type { Redis } from '../../platform/redis';
import { createEventActivities } from '../events/events.activities';
import { withDomainFailures } from '../shared/failures';
import { createFacts, recordVelocity } from './facts';
import {
  decide,
  defaultRules,
  evaluateRule,
  isRuleType,
  type FraudRule,
  type RuleAction,
  type RuleResult,
  type ScoringSubject,
  type WindowEntry,
} from './rules';

export interface FraudActivityDeps {
  db: Db;
  redis: Redis;
  config: Pick<Config, 'FRAUD_REVIEW_THRESHOLD_MINOR' | 'FRAUD_REVIEW_SCORE' | 'FRAUD_BLOCK_SCORE'>;
  logger: Logger;
  /** When given, REVIEW/BLOCK decisions publish `fraud.alert`. */
  producer?: Producer;
  /** Which rule set to score with (default 'default'). Tests use their own set. */
  ruleSet?: string;
}

export interface ScoredTransfer extends FraudAssessment {
  caseId: string;
  degraded: boolean;
}

const VELOCITY_TYPES = new Set(['velocity_count', 'velocity_sum']);

export function fraudCaseId(transferId: string): string {
  return `frc_${createHash('sha256').update(transferId).digest('base64url').slice(0, 24)}`;
}

export async function loadRules(db: Db, ruleSet: string): Promise<FraudRule[]> {
  const rows = await db.select().from(fraudRules).where(eq(fraudRules.ruleSet, ruleSet));
  if (rows.length === 0) return defaultRules();
  return rows
    .filter((r) => r.active && isRuleType(r.type))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type as FraudRule['type'],
      params: r.params,
      weight: r.weight,
      action: r.action as RuleAction,
      active: r.active,
    }));
}

function parseInput(input: ScoreTransferInput): ScoringSubject {
  const atMs = Date.parse(input.at);
  if (Number.isNaN(atMs)) throw new DomainError('VALIDATION_FAILED', 'at must be an ISO-8601 time');
  for (const f of [
    'transferId',
    'customerId',
    'fromAccountId',
    'toAccountId',
    'currency',
  ] as const) {
    if (typeof input[f] !== 'string' || input[f].length === 0) {
      throw new DomainError('VALIDATION_FAILED', `${f} is required`);
    }
  }
  const opened = input.fromAccountOpenedAt ? Date.parse(input.fromAccountOpenedAt) : NaN;
  return {
    transferId: input.transferId,
    customerId: input.customerId,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    amount: toPositiveMinor(input.amount),
    currency: input.currency,
    atMs,
    fromAccountOpenedAtMs: Number.isNaN(opened) ? undefined : opened,
  };
}

function toScored(row: typeof fraudCases.$inferSelect): ScoredTransfer {
  return {
    score: row.score,
    decision: row.decision as FraudDecision,
    reasons: row.reasons,
    caseId: row.id,
    degraded: row.degraded,
  };
}

export function createFraudActivities(deps: FraudActivityDeps) {
  const ruleSet = deps.ruleSet ?? 'default';
  const events = deps.producer
    ? createEventActivities({ producer: deps.producer, logger: deps.logger })
    : undefined;

  async function alert(input: ScoreTransferInput, scored: ScoredTransfer): Promise<void> {
    if (!events || scored.decision === 'ALLOW') return;
    await events.publishEvents([
      {
        id: eventId(workflowIds.transfer(input.transferId), 'fraud-alert'),
        type: 'fraud.alert',
        subject: input.transferId,
        dataVersion: 1,
        time: new Date(Date.parse(input.at)).toISOString(),
        data: {
          transferId: input.transferId,
          caseId: scored.caseId,
          customerId: input.customerId,
          fromAccountId: input.fromAccountId,
          toAccountId: input.toAccountId,
          amount: input.amount,
          currency: input.currency,
          score: scored.score,
          decision: scored.decision,
          reasons: scored.reasons,
        },
      },
    ]);
  }

  return withDomainFailures({
    async scoreTransfer(input: ScoreTransferInput): Promise<ScoredTransfer> {
      const subject = parseInput(input);
      const [existing] = await deps.db
        .select()
        .from(fraudCases)
        .where(eq(fraudCases.transferId, subject.transferId));
      if (existing) {
        const scored = toScored(existing);
        await alert(input, scored);
        return scored;
      }

      const rules = await loadRules(deps.db, ruleSet);
      let velocity: WindowEntry[] | undefined;
      let redisError: string | undefined;
      try {
        velocity = await recordVelocity(deps.redis, subject);
      } catch (err) {
        redisError = err instanceof Error ? err.message : String(err);
      }
      const facts = createFacts(deps.db, velocity);
      const results: RuleResult[] = [];
      for (const rule of rules) {
        results.push({
          rule,
          outcome: await evaluateRule(rule, subject, facts, {
            reviewThresholdMinor: deps.config.FRAUD_REVIEW_THRESHOLD_MINOR,
          }),
        });
      }
      const assessment = decide(results, {
        reviewScore: deps.config.FRAUD_REVIEW_SCORE,
        blockScore: deps.config.FRAUD_BLOCK_SCORE,
      });
      const degraded = redisError !== undefined && rules.some((r) => VELOCITY_TYPES.has(r.type));
      const reasons: FraudReason[] = [...assessment.reasons];
      if (degraded) {
        deps.logger.warn(
          { transferId: subject.transferId, err: redisError },
          'fraud scoring degraded: Redis unavailable, velocity rules skipped',
        );
        reasons.push({
          rule: 'degraded',
          value: 'redis unavailable: velocity rules skipped',
          weight: 0,
        });
      } else if (redisError) {
        deps.logger.debug(
          { transferId: subject.transferId, err: redisError },
          'velocity not recorded',
        );
      }

      const caseId = fraudCaseId(subject.transferId);
      const inserted = await deps.db
        .insert(fraudCases)
        .values({
          id: caseId,
          transferId: subject.transferId,
          ruleSet,
          customerId: subject.customerId,
          fromAccountId: subject.fromAccountId,
          toAccountId: subject.toAccountId,
          amount: subject.amount,
          currency: subject.currency,
          occurredAt: new Date(subject.atMs),
          score: assessment.score,
          decision: assessment.decision,
          reasons,
          degraded,
        })
        .onConflictDoNothing({ target: fraudCases.transferId })
        .returning();
      let scored: ScoredTransfer;
      if (inserted[0]) {
        scored = toScored(inserted[0]);
      } else {
        // A concurrent attempt won the race: its assessment is the one.
        const [row] = await deps.db
          .select()
          .from(fraudCases)
          .where(eq(fraudCases.transferId, subject.transferId));
        if (!row) throw new Error('fraud case vanished after conflict');
        scored = toScored(row);
      }
      deps.logger.info(
        { transferId: subject.transferId, caseId, score: scored.score, decision: scored.decision },
        'transfer scored',
      );
      await alert(input, scored);
      return scored;
    },
  });
}

export type FraudActivities = ReturnType<typeof createFraudActivities>;
