/**
 * The Groq client (OpenAI-compatible), configured from GROQ_API_KEY / GROQ_BASE_URL / GROQ_MODEL /
 * GROQ_TIMEOUT_MS. No key → no client, and callers use their deterministic local fallback.
 * `maxRetries: 0`: a chat prefers a quick labelled fallback over a slow retry.
 */
import Groq from 'groq-sdk';
import type { Config } from '../../platform/config';

export type LlmConfig = Pick<
  Config,
  'GROQ_API_KEY' | 'GROQ_BASE_URL' | 'GROQ_MODEL' | 'GROQ_TIMEOUT_MS'
>;

export function createGroqClient(cfg: LlmConfig): Groq | undefined {
  if (!cfg.GROQ_API_KEY) return undefined;
  return new Groq({
    apiKey: cfg.GROQ_API_KEY,
    baseURL: cfg.GROQ_BASE_URL ?? undefined,
    timeout: cfg.GROQ_TIMEOUT_MS,
    maxRetries: 0,
  });
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Streams content deltas; aborts when `timeoutMs` passes (whole stream, not just headers). */
export async function* streamChat(
  client: Groq,
  model: string,
  messages: ChatMessage[],
  timeoutMs: number,
): AsyncGenerator<string> {
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`model timed out after ${timeoutMs}ms`)),
    timeoutMs,
  );
  try {
    const stream = await client.chat.completions.create(
      { model, messages, stream: true, temperature: 0.2, max_completion_tokens: 600 },
      { signal: abort.signal },
    );
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) yield delta;
    }
    // An aborted stream may just end: a cut-off answer is a failure, not a complete reply.
    if (abort.signal.aborted) throw new Error(`model timed out after ${timeoutMs}ms`);
  } finally {
    clearTimeout(timer);
  }
}
