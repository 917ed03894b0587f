/**
 * A fake OpenAI-compatible chat completions server (what groq-sdk talks to with `baseURL`):
 * POST /openai/v1/chat/completions, streaming (SSE chunks + [DONE]) or not. Modes: `ok`, `error`
 * (HTTP 500), `hang` (headers, one chunk, then silence: a timeout). Records request bodies.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeMode = 'ok' | 'error' | 'hang';

export interface FakeOpenAi {
  baseURL: string;
  mode: FakeMode;
  /** The words the model answers with. */
  reply: string[];
  requests: { model: string; stream?: boolean; messages: { role: string; content: string }[] }[];
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const sockets = new Set<Socket>();
  const state: FakeOpenAi = {
    baseURL: '',
    mode: 'ok',
    reply: ['Your ', 'balance ', 'is ', 'fine.'],
    requests: [],
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/openai/v1/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body) as FakeOpenAi['requests'][number];
      state.requests.push(parsed);
      if (state.mode === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }));
        return;
      }
      const chunk = (content: string, finish: string | null = null) =>
        `data: ${JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion.chunk',
          created: 1,
          model: parsed.model,
          choices: [{ index: 0, delta: { content }, finish_reason: finish }],
        })}\n\n`;
      if (!parsed.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-fake',
            object: 'chat.completion',
            created: 1,
            model: parsed.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: state.reply.join('') },
                finish_reason: 'stop',
              },
            ],
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (state.mode === 'hang') {
        res.write(chunk(state.reply[0] ?? 'partial '));
        return; // never ends: the client's timeout must fire
      }
      for (const word of state.reply) res.write(chunk(word));
      res.write(chunk('', 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
