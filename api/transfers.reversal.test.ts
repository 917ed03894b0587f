/**
 * Support reverses a COMPLETED transfer: POST /support/transfers/:id/reverse through the real app,
 * a real worker running the TransferWorkflow and the TransferReversalWorkflow with the real
 * activity registry, on the stack's Temporal, Postgres, Redis and Kafka.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import type { Producer } from 'kafkajs';
import { createActivities } from '../activities';
import { decodeCloudEvent } from '../activities/events/cloudevents';
import { ledgerTransfers } from '../db/schema';
import { TOPICS } from '../domain/events';
import { eventId, ledgerIds, workflowIds } from '../domain/ids';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { captureTopics, type TopicCapture } from '../test/fakes/kafka-capture';
import { uniqueTaskQueue, withWorker } from '../test/harness';
import { expectLedgerBalanced } from '../test/ledger';
import { createTestAccount, type TestApp, type TestUser, apiCalls } from './testing/app-fixture';
import { startTransferTestApp, type TransferTestApp } from './testing/transfer-app';
import { eventually } from '../test/eventually';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let t: TestApp;
const { get, post } = apiCalls(() => t);
let app: TransferTestApp;
let producer: Producer;
let capture: TopicCapture;
let alice: TestUser;
let bob: TestUser;
let support: TestUser;
const taskQueue = uniqueTaskQueue('api-reversal');

beforeAll(async () => {
  app = await startTransferTestApp(taskQueue, 'api-reversal-test');
  ({ env, t, producer } = app);
  capture = await captureTopics(createKafka(t.config.KAFKA_BROKERS, 'api-reversal-capture'), [
    TOPICS.transactions,
  ]);
  [alice, bob, support] = await Promise.all([t.customer(), t.customer(), t.support()]);
});
afterAll(async () => {
  await capture?.stop();
  await app?.close();
});

const posted = async (user: TestUser, account: string): Promise<number> =>
  (await get(user, `/accounts/${account}`)).json().balances.posted;

/** A transfer through the API, waited until it is COMPLETED. Returns its id. */
async function completedTransfer(
  from: TestUser,
  fromAccountId: string,
  toAccountId: string,
  amount: number,
): Promise<string> {
  const res = await post(
    from,
    '/transfers',
    { fromAccountId, toAccountId, amount, currency: 'USD' },
    `rev-${fromAccountId}-${toAccountId}-${amount}`,
  );
  expect(res.statusCode).toBe(201);
  const id = res.json().id as string;
  await eventually(
    async () => (await get(from, `/transfers/${id}`)).json().status as string,
    (status) => status === 'COMPLETED',
  );
  return id;
}

function activities() {
  return createActivities({
    db: t.database.db,
    redis: t.redis,
    producer,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
  });
}

it('reverses a completed transfer once: money back, REVERSED, audited, one event, both told', async () => {
  const aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 10_000n });
  const bobAcc = await createTestAccount(t.database.db, bob.customerId);
  await withWorker(env, { activities: activities(), taskQueue }, async () => {
    const id = await completedTransfer(alice, aliceAcc, bobAcc, 2_500);
    expect([await posted(alice, aliceAcc), await posted(bob, bobAcc)]).toEqual([7_500, 2_500]);

    // Customers cannot reverse; a reason is required.
    expect(
      (await post(alice, `/support/transfers/${id}/reverse`, { reason: 'x' })).statusCode,
    ).toBe(403);
    const noReason = await post(support, `/support/transfers/${id}/reverse`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.code).toBe('VALIDATION_FAILED');

    const reversed = await post(support, `/support/transfers/${id}/reverse`, {
      reason: 'payment sent to the wrong payee',
    });
    expect(reversed.statusCode).toBe(200);
    expect(reversed.json()).toMatchObject({ id, status: 'REVERSED' });
    expect(reversed.json().temporalUrl).toContain(workflowIds.transferReversal(id));
    expect(reversed.json().timeline.at(-1)).toMatchObject({ status: 'REVERSED' });
    expect([await posted(alice, aliceAcc), await posted(bob, bobAcc)]).toEqual([10_000, 0]);
    expect((await get(alice, `/transfers/${id}`)).json().status).toBe('REVERSED');

    // A repeat (support double-clicks, or retries after a timeout) moves nothing.
    const again = await post(support, `/support/transfers/${id}/reverse`, { reason: 'again' });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('REVERSED');
    expect([await posted(alice, aliceAcc), await posted(bob, bobAcc)]).toEqual([10_000, 0]);
    const ledgerRows = await t.database.db
      .select()
      .from(ledgerTransfers)
      .where(eq(ledgerTransfers.reference, id));
    expect(ledgerRows.map((r) => r.id).sort()).toEqual(
      [ledgerIds.hold(id), ledgerIds.post(id), ledgerIds.reversal(id)].sort(),
    );
    const reversal = ledgerRows.find((r) => r.id === ledgerIds.reversal(id))!;
    expect(reversal).toMatchObject({
      kind: 'single',
      debitAccountId: bobAcc,
      creditAccountId: aliceAcc,
      amount: 2_500n,
      currency: 'USD',
    });

    // transfer.reversed on Kafka once (the repeat found it REVERSED and published nothing),
    // keyed by the transfer, with a deterministic id.
    const isReversal = (r: { message: { key: Buffer | null; value: Buffer | null } }) =>
      r.message.key?.toString() === id &&
      decodeCloudEvent(r.message.value).type === 'transfer.reversed';
    await capture.waitFor(isReversal);
    const events = capture.records.filter(isReversal).map((r) => decodeCloudEvent(r.message.value));
    expect(events).toHaveLength(1);
    for (const e of events) {
      expect(e.event).toMatchObject({
        id: eventId(workflowIds.transferReversal(id), 'reversed'),
        type: 'com.harbor.transfer.reversed',
        subject: id,
        data: {
          transferId: id,
          customerId: alice.customerId,
          toCustomerId: bob.customerId,
          fromAccountId: aliceAcc,
          toAccountId: bobAcc,
          amount: '2500',
          currency: 'USD',
          reason: 'payment sent to the wrong payee',
        },
      });
    }

    // Both parties hear of it, once each.
    const notices = async (user: TestUser) =>
      ((await get(user, '/notifications?limit=50')).json().items as { template: string }[])
        .map((n) => n.template)
        .filter((x) => x.startsWith('transfer_revers'));
    expect(
      await eventually(
        () => notices(alice),
        (n) => n.length > 0,
      ),
    ).toEqual(['transfer_reversed']);
    expect(
      await eventually(
        () => notices(bob),
        (n) => n.length > 0,
      ),
    ).toEqual(['transfer_reversal_debited']);

    const audit = await get(support, `/support/audit?target=${id}`);
    expect(audit.json().items.map((a: { action: string }) => a.action)).toEqual([
      'transfer.reverse',
      'transfer.reverse',
    ]);
  });
  await expectLedgerBalanced(t.database.db);
});

it('refuses what cannot be reversed and changes nothing; reverses once the payee has funds', async () => {
  const aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 10_000n });
  const bobAcc = await createTestAccount(t.database.db, bob.customerId);
  const bobOther = await createTestAccount(t.database.db, bob.customerId);
  await withWorker(env, { activities: activities(), taskQueue }, async () => {
    // Not COMPLETED: a transfer waiting in review (above the review threshold).
    const aliceBig = await createTestAccount(t.database.db, alice.customerId, { fund: 7_000_000n });
    const review = await post(
      alice,
      '/transfers',
      { fromAccountId: aliceBig, toAccountId: bobAcc, amount: 6_000_000, currency: 'USD' },
      'rev-review',
    );
    expect(review.statusCode).toBe(201);
    const reviewId = review.json().id as string;
    await eventually(
      async () => (await get(alice, `/transfers/${reviewId}`)).json().status as string,
      (status) => status === 'AWAITING_REVIEW',
    );
    const notCompleted = await post(support, `/support/transfers/${reviewId}/reverse`, {
      reason: 'try',
    });
    expect(notCompleted.statusCode).toBe(409);
    expect(notCompleted.json().error.code).toBe('INVALID_STATE');
    expect((await get(alice, `/transfers/${reviewId}`)).json().status).toBe('AWAITING_REVIEW');
    const rejected = await post(support, `/support/transfers/${reviewId}/reject`, {
      reason: 'test done',
    });
    expect(rejected.statusCode).toBe(200);

    // Unknown transfer.
    const unknown = await post(support, '/support/transfers/trf_doesnotexist123/reverse', {
      reason: 'try',
    });
    expect(unknown.statusCode).toBe(404);

    // The payee moved the money on: the reversal would overdraw, so it is refused.
    const id = await completedTransfer(alice, aliceAcc, bobAcc, 3_000);
    await completedTransfer(bob, bobAcc, bobOther, 3_000);
    const refused = await post(support, `/support/transfers/${id}/reverse`, { reason: 'recall' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('INSUFFICIENT_FUNDS');
    expect((await get(alice, `/transfers/${id}`)).json().status).toBe('COMPLETED');
    expect([await posted(alice, aliceAcc), await posted(bob, bobAcc)]).toEqual([7_000, 0]);

    // Once the payee has the funds again, the same reversal runs again and succeeds, once.
    await completedTransfer(bob, bobOther, bobAcc, 3_000);
    const ok = await post(support, `/support/transfers/${id}/reverse`, { reason: 'recall' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('REVERSED');
    expect([await posted(alice, aliceAcc), await posted(bob, bobAcc)]).toEqual([10_000, 0]);

    const audit = await get(support, `/support/audit?target=${id}`);
    expect(audit.json().items.map((a: { action: string }) => a.action)).toEqual([
      'transfer.reverse',
      'transfer.reverse_refused',
    ]);
  });
  await expectLedgerBalanced(t.database.db);
});
