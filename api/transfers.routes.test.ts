/**
 * Transfer, support and SSE routes end to end: the real app, a real worker running the
 * TransferWorkflow with the real activity registry on the stack's Temporal dev server, Postgres,
 * Redis and Kafka.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../activities';
import { expectLedgerBalanced } from '../test/ledger';
import { uniqueTaskQueue, withWorker } from '../test/harness';
import { createLogger } from '../platform/logger';
import { createTestAccount, type TestApp, type TestUser, apiCalls } from './testing/app-fixture';
import { startTransferTestApp, type TransferTestApp } from './testing/transfer-app';
import { eventually } from '../test/eventually';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let t: TestApp;
const { get, post } = apiCalls(() => t);
let app: TransferTestApp;
let producer: Producer;
let alice: TestUser;
let bob: TestUser;
let support: TestUser;
let aliceAcc: string;
let bobAcc: string;
const taskQueue = uniqueTaskQueue('api-transfers');

beforeAll(async () => {
  app = await startTransferTestApp(taskQueue, 'api-transfers-test');
  ({ env, t, producer } = app);
  [alice, bob, support] = await Promise.all([t.customer(), t.customer(), t.support()]);
  aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 20_000_000n });
  bobAcc = await createTestAccount(t.database.db, bob.customerId);
});
afterAll(async () => {
  await app?.close();
});

it('transfers: create, replay, read, list, stream, refuse, review, cancel, support actions', async () => {
  const activities = createActivities({
    db: t.database.db,
    redis: t.redis,
    producer,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
  });
  await withWorker(env, { activities, taskQueue }, async () => {
    // 201: funds held.
    const body = {
      fromAccountId: aliceAcc,
      toAccountId: bobAcc,
      amount: 2500,
      currency: 'USD',
      memo: 'rent',
    };
    const created = await post(alice, '/transfers', body, 'rent-1');
    expect(created.statusCode).toBe(201);
    const tr = created.json();
    expect(tr.id).toMatch(/^trf_/);
    expect(['FUNDS_HELD', 'AWAITING_REVIEW', 'POSTING', 'COMPLETED']).toContain(tr.status);
    expect(created.headers.location).toBe(`/api/v1/transfers/${tr.id}`);
    // Replay: same answer, no second transfer.
    const replay = await post(alice, '/transfers', body, 'rent-1');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(tr.id);

    const done = await eventually(
      () => get(alice, `/transfers/${tr.id}`),
      (r) => r.json().status === 'COMPLETED',
    );
    expect(done.json()).toMatchObject({
      amount: 2500,
      currency: 'USD',
      fromAccountId: aliceAcc,
      toAccountId: bobAcc,
      memo: 'rent',
    });
    expect(done.json().timeline.map((e: { status: string }) => e.status)).toEqual(
      expect.arrayContaining(['FUNDS_HELD', 'COMPLETED']),
    );
    expect((await get(bob, `/transfers/${tr.id}`)).statusCode).toBe(404);
    expect((await get(support, `/transfers/${tr.id}`)).statusCode).toBe(200);
    const bobBalance = await get(bob, `/accounts/${bobAcc}`);
    expect(bobBalance.json().balances).toEqual({ posted: 2500, pending: 0, available: 2500 });

    // Lists: by account (incoming is visible to the recipient) and by status.
    const listed = await eventually(
      () => get(bob, `/transfers?accountId=${bobAcc}`),
      (r) => r.json().items.length > 0,
    );
    expect(listed.json().items.map((i: { id: string }) => i.id)).toContain(tr.id);
    expect((await get(bob, `/transfers?accountId=${aliceAcc}`)).statusCode).toBe(404);

    // SSE of a finished transfer: one status event, then end.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const sse = await fetch(`http://127.0.0.1:${port}/api/v1/transfers/${tr.id}/stream`, {
      headers: alice.auth,
    });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await sse.text();
    expect(text).toContain('event: status');
    expect(text).toContain('"status":"COMPLETED"');
    expect(text).toContain('event: end');

    // Cancel after completion: 409 CANNOT_CANCEL.
    const late = await post(alice, `/transfers/${tr.id}/cancel`, {});
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('CANNOT_CANCEL');

    // 422 INSUFFICIENT_FUNDS with the transfer id.
    const tooMuch = await post(alice, '/transfers', { ...body, amount: 900_000_000 }, 'big-1');
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.code).toBe('INSUFFICIENT_FUNDS');
    expect(tooMuch.json().error.details.transferId).toMatch(/^trf_/);

    // Review: above the threshold waits in AWAITING_REVIEW; the customer may cancel it.
    const review1 = await post(alice, '/transfers', { ...body, amount: 6_000_000 }, 'review-1');
    expect(review1.statusCode).toBe(201);
    const r1 = review1.json();
    await eventually(
      () => get(alice, `/transfers/${r1.id}`),
      (r) => r.json().status === 'AWAITING_REVIEW',
    );
    const queue = await eventually(
      () => get(support, '/support/transfers?state=AWAITING_REVIEW&limit=100'),
      (r) => r.json().items.some((i: { id: string }) => i.id === r1.id),
    );
    const item = queue.json().items.find((i: { id: string }) => i.id === r1.id);
    expect(item.temporalUrl).toBe(
      `${t.config.TEMPORAL_UI_URL}/namespaces/default/workflows/transfer-${r1.id}`,
    );
    const cancelled = await post(alice, `/transfers/${r1.id}/cancel`, {
      reason: 'changed my mind',
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('CANCELLED');
    const approveLate = await post(support, `/support/transfers/${r1.id}/approve`, {
      reason: 'looks fine',
    });
    expect(approveLate.statusCode).toBe(409);

    // Support approves another one; the action is audited with its reason.
    const review2 = await post(alice, '/transfers', { ...body, amount: 5_500_000 }, 'review-2');
    const r2 = review2.json();
    await eventually(
      () => get(alice, `/transfers/${r2.id}`),
      (r) => r.json().status === 'AWAITING_REVIEW',
    );
    expect(
      (await post(alice, `/support/transfers/${r2.id}/approve`, { reason: 'self approve' }))
        .statusCode,
    ).toBe(403);
    const approved = await post(support, `/support/transfers/${r2.id}/approve`, {
      reason: 'verified by phone',
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().temporalUrl).toContain(`transfer-${r2.id}`);
    await eventually(
      () => get(alice, `/transfers/${r2.id}`),
      (r) => r.json().status === 'COMPLETED',
    );
    const audit = await get(support, `/support/audit?target=${r2.id}`);
    expect(audit.json().items[0]).toMatchObject({
      actor: support.id,
      action: 'transfer.approve',
      reason: 'verified by phone',
    });

    const final = await get(bob, `/accounts/${bobAcc}`);
    expect(final.json().balances.posted).toBe(2500 + 5_500_000);
    await expectLedgerBalanced(t.database.db);
  });
});
