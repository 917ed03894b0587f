/**
 * The live SSE routes over real HTTP: the app listens on an ephemeral port, a real worker runs the
 * TransferWorkflow with the real activity registry, and a streaming `fetch` reads the frames as
 * they arrive while the transfer goes through review to completion.
 *
 * - GET /api/v1/transfers/:id/stream: `status` frames in saga order, a keep-alive comment while
 *   nothing changes, an `end` frame after the terminal status, then the server closes the stream.
 * - GET /api/v1/notifications/stream: `: connected`, then the payee's in-app notification live.
 * - Both refuse a missing token (401); a transfer stream of someone else's transfer is 404.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import { createActivities } from '../../activities';
import { createLogger } from '../../platform/logger';
import { expectLedgerBalanced } from '../../test/ledger';
import { uniqueTaskQueue, withWorker } from '../../test/harness';
import { createTestAccount, type TestApp, type TestUser } from '../testing/app-fixture';
import { startTransferTestApp, type TransferTestApp } from '../testing/transfer-app';

jest.setTimeout(240_000);

const SAGA_ORDER = ['PENDING', 'FUNDS_HELD', 'AWAITING_REVIEW', 'POSTING', 'COMPLETED'];

let env: TestWorkflowEnvironment;
let t: TestApp;
let app: TransferTestApp;
let producer: Producer;
let base: string;
const taskQueue = uniqueTaskQueue('api-sse');
const openStreams: SseStream[] = [];

beforeAll(async () => {
  app = await startTransferTestApp(taskQueue, 'api-sse-test');
  ({ env, t, producer } = app);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  // An open stream would keep app.close() waiting for its connection.
  for (const s of openStreams) s.abort();
  await app?.close();
});

interface Frame {
  event?: string;
  data?: unknown;
  comment?: string;
}

/** An SSE stream read incrementally from a real HTTP response. */
interface SseStream {
  response: Response;
  frames: Frame[];
  /** Resolves with the first frame (from the start) matching, waiting for it to arrive. */
  next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Resolves when the server ends the response. */
  closed: Promise<void>;
  abort(): void;
}

function parseFrame(block: string): Frame {
  const frame: Frame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) frame.event = line.slice('event: '.length);
    else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice('data: '.length));
  }
  return frame;
}

async function openSse(path: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(`${base}${path}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const frames: Frame[] = [];
  let ended = false;
  const closed = (async () => {
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseFrame(buffer.slice(0, cut)));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    } finally {
      ended = true;
    }
  })();
  const stream: SseStream = {
    response,
    frames,
    closed,
    abort: () => controller.abort(),
    async next(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(match);
        if (found) return found;
        if (ended || Date.now() > deadline) {
          throw new Error(`no matching SSE frame; got ${JSON.stringify(frames)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  openStreams.push(stream);
  return stream;
}

const statusOf = (f: Frame) => (f.data as { status?: string } | undefined)?.status;

async function post(user: TestUser, path: string, payload: object) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      ...user.auth,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('streams a transfer through review to completion, and the payee’s notification live', async () => {
  const [alice, bob, support] = await Promise.all([t.customer(), t.customer(), t.support()]);
  const aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 7_000_000n });
  const bobAcc = await createTestAccount(t.database.db, bob.customerId);
  const activities = createActivities({
    db: t.database.db,
    redis: t.redis,
    producer,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
  });

  await withWorker(env, { activities, taskQueue }, async () => {
    // Bob listens for his notifications before anything happens.
    const inbox = await openSse('/notifications/stream', bob.auth);
    expect(inbox.response.status).toBe(200);
    expect(inbox.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await inbox.next((f) => f.comment === 'connected');

    // Above the review threshold: the transfer waits in AWAITING_REVIEW.
    const created = await post(alice, '/transfers', {
      fromAccountId: aliceAcc,
      toAccountId: bobAcc,
      amount: 6_000_000,
      currency: 'USD',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const stream = await openSse(`/transfers/${id}/stream`, alice.auth);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    await stream.next((f) => f.event === 'status' && statusOf(f) === 'AWAITING_REVIEW', 60_000);

    // Someone else's transfer looks like no transfer; no token is 401. Both answer JSON, no stream.
    const foreign = await fetch(`${base}/transfers/${id}/stream`, { headers: bob.auth });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe(
      'TRANSFER_NOT_FOUND',
    );
    const anonymous = await fetch(`${base}/transfers/${id}/stream`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'UNAUTHORIZED',
    );
    const anonymousInbox = await fetch(`${base}/notifications/stream`);
    expect(anonymousInbox.status).toBe(401);
    await anonymousInbox.body?.cancel();

    // Nothing changes while the transfer waits for review: the stream sends a keep-alive comment.
    // Every 30 unchanged polls (≥ 15 s); generous for a loaded machine.
    await stream.next((f) => f.comment === 'keep-alive', 60_000);

    const approved = await post(support, `/support/transfers/${id}/approve`, {
      reason: 'verified by phone',
    });
    expect(approved.status).toBe(200);

    const end = await stream.next((f) => f.event === 'end', 60_000);
    expect(end.data).toEqual({ id, status: 'COMPLETED' });
    await stream.closed; // the server ends the response after `end`
    const statuses = stream.frames.filter((f) => f.event === 'status').map(statusOf);
    // Each change once, in saga order (the poller may skip a short-lived one like POSTING).
    const positions = statuses.map((s) => SAGA_ORDER.indexOf(s ?? ''));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
    expect(statuses).toEqual(expect.arrayContaining(['AWAITING_REVIEW', 'COMPLETED']));
    expect(statuses.at(-1)).toBe('COMPLETED');
    for (const f of stream.frames.filter((x) => x.event === 'status')) {
      expect(f.data).toMatchObject({ id, amount: 6_000_000, currency: 'USD' });
    }
    expect(stream.frames.at(-1)).toEqual(end);

    // Bob is told live that the money arrived.
    const note = await inbox.next((f) => f.event === 'notification', 30_000);
    expect(note.data).toMatchObject({ template: 'transfer_received', title: 'Money received' });
    expect((note.data as { body: string }).body).toContain(bobAcc);
    inbox.abort();
    await inbox.closed;
  });
  await expectLedgerBalanced(t.database.db);
});
