import { z } from 'zod';
import { parseJson, streamSse } from '@/lib/sse';

export const chatInput = z.object({ message: z.string().trim().min(1).max(2000) });

/** Pulls the text out of one SSE event, whatever the token field is called. */
export function tokenOf(data: string): string | null {
  if (data === '[DONE]') return null;
  const json = parseJson(data);
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    for (const k of ['token', 'delta', 'content', 'text'])
      if (typeof o[k] === 'string') return o[k] as string;
    return '';
  }
  return typeof json === 'string' ? json : data;
}

/**
 * POST /assistant/chat answers with an SSE token stream. EventSource cannot POST, so this reads
 * the response body with fetch + ReadableStream.
 */
export async function streamChat(
  message: string,
  onToken: (t: string) => void,
  signal?: AbortSignal,
) {
  const body = chatInput.parse({ message });
  let errorText: string | null = null;
  await streamSse('/assistant/chat', {
    method: 'POST',
    body,
    signal,
    onEvent: (e) => {
      if (e.event === 'error') {
        const j = parseJson(e.data) as
          { message?: string; error?: { message?: string } } | undefined;
        errorText = j?.error?.message ?? j?.message ?? 'The assistant had a problem.';
        return;
      }
      if (e.event === 'done' || e.event === 'end') return;
      const t = tokenOf(e.data);
      if (t) onToken(t);
    },
  });
  if (errorText) throw new Error(errorText);
}
