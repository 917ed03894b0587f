/**
 * POST /api/v1/assistant/chat over real HTTP with the model configured (groq-sdk against the local
 * fake OpenAI-compatible server): model tokens arrive as SSE `token` frames then `done`; the
 * context sent to the model holds the caller's accounts and nobody else's; a failing model still
 * answers (labelled local fallback); no token is 401.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { FALLBACK_LABEL } from '../../activities/ai/fallback';
import { historyKey } from '../../activities/ai/assistant.service';
import { startFakeOpenAi, type FakeOpenAi } from '../../test/fakes/openai';
import {
  createTestAccount,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../testing/app-fixture';

jest.setTimeout(90_000);

let t: TestApp;
let fake: FakeOpenAi;
let base: string;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  t = await startTestApp(
    {},
    {
      config: {
        GROQ_API_KEY: 'test-key',
        GROQ_BASE_URL: fake.baseURL,
        GROQ_MODEL: 'fake-model',
        GROQ_TIMEOUT_MS: 3_000,
      },
    },
  );
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

interface Frame {
  event: string;
  data: Record<string, unknown>;
}

/** Posts a chat message and reads the whole SSE response into frames. */
async function chat(user: TestUser | undefined, message: string) {
  const res = await fetch(`${base}/assistant/chat`, {
    method: 'POST',
    headers: {
      ...(user?.auth ?? {}),
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ message }),
  });
  const body = await res.text();
  const frames: Frame[] = body
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((b) => {
      const [eventLine, dataLine] = b.split('\n');
      return {
        event: eventLine!.slice('event: '.length),
        data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown>,
      };
    });
  const text = frames
    .filter((f) => f.event === 'token')
    .map((f) => f.data.text as string)
    .join('');
  return { res, frames, text };
}

it('streams the model’s tokens with only the caller’s data, and falls back when the model fails', async () => {
  const [alice, bob] = await Promise.all([t.customer(), t.customer()]);
  const aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 125_000n });
  const bobAcc = await createTestAccount(t.database.db, bob.customerId, { fund: 999_000n });

  fake.mode = 'ok';
  const ok = await chat(alice, 'How am I doing this month?');
  expect(ok.res.status).toBe(200);
  expect(ok.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(ok.frames.map((f) => f.event)).toEqual(['token', 'token', 'token', 'token', 'done']);
  expect(ok.text).toBe(fake.reply.join(''));
  expect(ok.frames.at(-1)!.data).toEqual({ source: 'model' });

  const sent = fake.requests.at(-1)!;
  expect(sent.stream).toBe(true);
  const prompt = JSON.stringify(sent.messages.filter((m) => m.role === 'system'));
  expect(prompt).toContain(aliceAcc);
  expect(prompt).not.toContain(bobAcc);
  expect(prompt).not.toContain(bob.customerId!);
  expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'How am I doing this month?' });

  fake.mode = 'error';
  const down = await chat(alice, 'What were my largest payments?');
  expect(down.res.status).toBe(200);
  expect(down.text.startsWith(FALLBACK_LABEL)).toBe(true);
  expect(down.frames.at(-1)).toMatchObject({ event: 'done', data: { source: 'fallback' } });

  const anonymous = await chat(undefined, 'hello');
  expect(anonymous.res.status).toBe(401);
  await t.redis.del(historyKey(alice.customerId!));
});
