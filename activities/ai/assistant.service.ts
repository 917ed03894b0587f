/**
 * The customer assistant: answers about the caller's own money, streaming tokens. Uses Groq when
 * configured; otherwise, or when the model errors or times out, streams a deterministic labelled
 * local answer. A chat never fails because the model is unreachable.
 *
 * History: the last turns live in Redis (`assistant:chat:<customerId>`, TTL), best effort.
 */
import type Groq from 'groq-sdk';
import type { Db } from '../../db/client';
import type { Logger } from '../../platform/logger';
import type { Redis } from '../../platform/redis';
import { loadAssistantContext, type AssistantContext } from './context';
import { fallbackAnswer } from './fallback';
import { createGroqClient, streamChat, type ChatMessage, type LlmConfig } from './groq';
import { ASSISTANT_SYSTEM_PROMPT, contextMessage } from './prompts';

export const HISTORY_TTL_SECONDS = 3600;
export const HISTORY_MAX_MESSAGES = 20;
export const MAX_MESSAGE_CHARS = 2000;

export type AssistantEvent =
  { type: 'token'; text: string } | { type: 'done'; source: 'model' | 'fallback'; reason?: string };

export interface AssistantDeps {
  db: Db;
  redis: Redis;
  config: LlmConfig;
  logger: Logger;
  /** Override the client (tests); default from config. */
  groq?: Groq;
  loadContext?: (customerId: string) => Promise<AssistantContext>;
}

export function historyKey(customerId: string): string {
  return `assistant:chat:${customerId}`;
}

/** Splits text into word-ish tokens for streaming the local answer. */
function* tokens(text: string): Generator<string> {
  for (const m of text.matchAll(/\S+\s*|\s+/g)) yield m[0];
}

export function createAssistant(deps: AssistantDeps) {
  const client = deps.groq ?? createGroqClient(deps.config);
  const loadContext = deps.loadContext ?? ((id: string) => loadAssistantContext(deps.db, id));

  async function history(customerId: string): Promise<ChatMessage[]> {
    if (deps.redis.status !== 'ready') return [];
    try {
      const raw = await deps.redis.lrange(historyKey(customerId), -HISTORY_MAX_MESSAGES, -1);
      return raw
        .map((r) => JSON.parse(r) as ChatMessage)
        .filter((m) => m.role === 'user' || m.role === 'assistant');
    } catch {
      return [];
    }
  }

  async function remember(customerId: string, turn: ChatMessage[]): Promise<void> {
    if (deps.redis.status !== 'ready') return;
    const key = historyKey(customerId);
    await deps.redis
      .multi()
      .rpush(key, ...turn.map((m) => JSON.stringify(m)))
      .ltrim(key, -HISTORY_MAX_MESSAGES, -1)
      .expire(key, HISTORY_TTL_SECONDS)
      .exec()
      .catch(() => undefined);
  }

  async function* chat(customerId: string, message: string): AsyncGenerator<AssistantEvent> {
    const text = message.slice(0, MAX_MESSAGE_CHARS);
    const ctx = await loadContext(customerId);
    const past = await history(customerId);
    let answer = '';
    let source: 'model' | 'fallback' = 'model';
    let reason: string | undefined;

    if (client) {
      const messages: ChatMessage[] = [
        { role: 'system', content: ASSISTANT_SYSTEM_PROMPT },
        { role: 'system', content: contextMessage(ctx) },
        ...past,
        { role: 'user', content: text },
      ];
      try {
        for await (const delta of streamChat(
          client,
          deps.config.GROQ_MODEL,
          messages,
          deps.config.GROQ_TIMEOUT_MS,
        )) {
          answer += delta;
          yield { type: 'token', text: delta };
        }
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
        deps.logger.warn({ err: reason }, 'assistant model unavailable; using local answer');
        source = 'fallback';
      }
    } else {
      source = 'fallback';
      reason = 'no API key configured';
    }

    if (source === 'fallback') {
      const local = fallbackAnswer(ctx, text);
      const prefix = answer ? '\n\n' : '';
      for (const t of tokens(prefix + local)) yield { type: 'token', text: t };
      answer += prefix + local;
    }
    await remember(customerId, [
      { role: 'user', content: text },
      { role: 'assistant', content: answer },
    ]);
    yield { type: 'done', source, ...(reason ? { reason } : {}) };
  }

  return { chat };
}

export type Assistant = ReturnType<typeof createAssistant>;
