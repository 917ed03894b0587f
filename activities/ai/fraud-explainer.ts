/**
 * A short explanation of a fraud case for support reviewers, from the case's reasons and the
 * account's scoring history. Model when configured, else (or on error/timeout) a labelled local one.
 */
import { desc, eq } from 'drizzle-orm';
import type Groq from 'groq-sdk';
import type { Db } from '../../db/client';
import { fraudCases } from '../../db/schema';
import { DomainError } from '../../domain/errors';
import type { Logger } from '../../platform/logger';
import { fallbackFraudExplanation } from './fallback';
import { createGroqClient, streamChat, type LlmConfig } from './groq';
import { FRAUD_EXPLAINER_PROMPT } from './prompts';

export interface FraudExplanation {
  transferId: string;
  caseId: string;
  score: number;
  decision: string;
  explanation: string;
  source: 'model' | 'fallback';
}

export function createFraudExplainer(deps: {
  db: Db;
  config: LlmConfig;
  logger: Logger;
  groq?: Groq;
}) {
  const client = deps.groq ?? createGroqClient(deps.config);
  return {
    async explain(transferId: string): Promise<FraudExplanation> {
      const [c] = await deps.db
        .select()
        .from(fraudCases)
        .where(eq(fraudCases.transferId, transferId));
      if (!c) throw new DomainError('NOT_FOUND', 'no fraud case for this transfer', { transferId });
      const history = await deps.db
        .select({
          amount: fraudCases.amount,
          decision: fraudCases.decision,
          occurredAt: fraudCases.occurredAt,
          toAccountId: fraudCases.toAccountId,
        })
        .from(fraudCases)
        .where(eq(fraudCases.fromAccountId, c.fromAccountId))
        .orderBy(desc(fraudCases.occurredAt))
        .limit(21);
      const earlier =
        history.filter(
          (h) => h.occurredAt < c.occurredAt || h.occurredAt.getTime() === c.occurredAt.getTime(),
        ).length - 1;
      const base = { transferId, caseId: c.id, score: c.score, decision: c.decision };
      const local = () =>
        fallbackFraudExplanation({
          score: c.score,
          decision: c.decision,
          reasons: c.reasons,
          amount: c.amount.toString(),
          currency: c.currency,
          historyCount: Math.max(0, earlier),
        });
      if (!client) return { ...base, explanation: local(), source: 'fallback' };
      const data = {
        amountMinor: c.amount.toString(),
        currency: c.currency,
        score: c.score,
        decision: c.decision,
        reasons: c.reasons,
        recentHistory: history.map((h) => ({
          amountMinor: h.amount.toString(),
          decision: h.decision,
          at: h.occurredAt.toISOString(),
          toAccountId: h.toAccountId,
        })),
      };
      try {
        let text = '';
        for await (const d of streamChat(
          client,
          deps.config.GROQ_MODEL,
          [
            { role: 'system', content: FRAUD_EXPLAINER_PROMPT },
            { role: 'system', content: `Case data (JSON):\n${JSON.stringify(data)}` },
            { role: 'user', content: 'Explain why this transfer was flagged.' },
          ],
          deps.config.GROQ_TIMEOUT_MS,
        )) {
          text += d;
        }
        if (!text.trim()) throw new Error('empty model answer');
        return { ...base, explanation: text.trim(), source: 'model' };
      } catch (err) {
        deps.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'fraud explainer model unavailable',
        );
        return { ...base, explanation: local(), source: 'fallback' };
      }
    },
  };
}
