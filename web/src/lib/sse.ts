import { buildUrl, authedFetch, toApiError } from './api-client';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental parser for text/event-stream (WHATWG rules: fields per line, blank line ends an
 * event, multi-line data joined with \n, comments start with ':').
 */
export function createSseParser(onEvent: (e: SseEvent) => void) {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  const dispatch = () => {
    if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), id });
    data = [];
    event = '';
  };
  const line = (raw: string) => {
    if (raw === '') return dispatch();
    if (raw.startsWith(':')) return;
    const colon = raw.indexOf(':');
    const field = colon === -1 ? raw : raw.slice(0, colon);
    let value = colon === -1 ? '' : raw.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  };
  return {
    push(chunk: string) {
      buffer += chunk;
      let idx: number;
      while ((idx = buffer.search(/\r\n|\n|\r/)) !== -1) {
        const sep = buffer[idx] === '\r' && buffer[idx + 1] === '\n' ? 2 : 1;
        line(buffer.slice(0, idx));
        buffer = buffer.slice(idx + sep);
      }
    },
    end() {
      if (buffer) line(buffer);
      buffer = '';
      dispatch();
    },
  };
}

export interface StreamOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal;
  onEvent: (e: SseEvent) => void;
  onOpen?: () => void;
}

/**
 * SSE over fetch + ReadableStream, so it can carry the bearer token and POST bodies (EventSource
 * can do neither). Resolves when the server ends the stream.
 */
export async function streamSse(path: string, opts: StreamOptions): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await authedFetch(buildUrl(path), {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  if (!res.ok) throw await toApiError(res);
  if (!res.body) return;
  opts.onOpen?.();
  const parser = createSseParser(opts.onEvent);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
    parser.end();
  } finally {
    reader.releaseLock();
  }
}

export function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
