/**
 * The TransferWorkflow's domain events on real Kafka: the real workflow with the worker's real
 * activity registry (ledger, read model, publishEvents, scoreTransfer, notifyTransferParties) on
 * Postgres, Redis and Kafka; only SMTP and SMS are local fakes. For every saga path a kafkajs
 * consumer reads `transactions` and `fraud` and the test asserts the exact ordered sequence of
 * CloudEvents of that transfer: key = transfer id (the aggregate), deterministic ids
 * (`eventId(workflowId, step)`), a valid envelope and `data` valid against its versioned schema.
 *
 * "Exact" needs to know that nothing more is coming: once the workflow has returned, every event
 * it published was acknowledged (acks=all), so the test reads the topics up to the high
 * watermarks taken after that point.
 */
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import type { Admin, Producer } from 'kafkajs';
import { createActivities } from '../activities';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  decodeCloudEvent,
  type ReceivedEvent,
} from '../activities/events/cloudevents';
import { createFraudActivities } from '../activities/fraud/fraud.activities';
import { createFraudRulesService } from '../activities/fraud/fraud-rules.service';
import { createNotificationService } from '../activities/notify/notification.service';
import {
  approveTransfer,
  cancelTransfer,
  getTransferStatus,
  rejectTransfer,
  startTransfer,
} from '../activities/transfers/transfer.client';
import {
  ACCOUNT_SUMMARY_CONSUMER,
  accountSummaryHandler,
  monthOf,
  summaryFor,
} from '../consumers/account-summary.consumer';
import { startConsumer } from '../consumers/runtime';
import { processedEvents } from '../db/schema';
import { TOPICS, type DomainEventInput, type EventType } from '../domain/events';
import { eventId, ledgerIds, workflowIds } from '../domain/ids';
import type { TransferStatus } from '../domain/transfer';
import { parseConfig } from '../platform/config';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { createRedis, type Redis } from '../platform/redis';
import { captureTopics, type TopicCapture } from '../test/fakes/kafka-capture';
import { startFakeSmsGateway, type FakeSms } from '../test/fakes/sms-gateway';
import { startFakeSmtp, type FakeSmtp } from '../test/fakes/smtp';
import { withWorker, workflowEnv } from '../test/harness';
import { createFundedAccount, expectLedgerBalanced, ledgerFixture, uniqueId } from '../test/ledger';
import type { TransferSnapshot } from './transfer.messages';
import type { transferWorkflow } from './transfer.workflow';
import { eventually } from '../test/eventually';

jest.setTimeout(180_000);

const REVIEW_AMOUNT = 6_000_000n; // above FRAUD_REVIEW_THRESHOLD_MINOR (5,000,000)
const uid = () => randomBytes(5).toString('hex');

let env: TestWorkflowEnvironment;
const fx = ledgerFixture({ max: 6 });
const kafka = createKafka(process.env.KAFKA_BROKERS!.split(','), 'transfer-events-test');
const logger = createLogger({ level: 'silent' });
let redis: Redis;
let producer: Producer;
let admin: Admin;
let capture: TopicCapture;
let smtp: FakeSmtp;
let sms: FakeSms;
let activities: Record<string, unknown>;
const captureStart = new Map<string, number>();
/** The destination account on the test rule set's blocklist. */
const blockedAccount = uniqueId('acc', 'blocked');

beforeAll(async () => {
  env = await workflowEnv('existing');
  redis = createRedis(process.env.REDIS_URL!);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  admin = kafka.admin();
  await admin.connect();
  capture = await captureTopics(kafka, [TOPICS.transactions, TOPICS.fraud]);
  // Taken after the capture started: every record at or past these offsets gets captured.
  for (const topic of [TOPICS.transactions, TOPICS.fraud]) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      captureStart.set(`${topic}/${p.partition}`, Number(p.high));
    }
  }
  [smtp, sms] = await Promise.all([startFakeSmtp(), startFakeSmsGateway()]);

  const config = {
    ...parseConfig(process.env),
    SMTP_URL: smtp.url,
    SMS_GATEWAY_URL: sms.url,
  };
  // A rule set of our own, so concurrent tests' rules never change these decisions.
  const ruleSet = `saga-events-${uid()}`;
  const rules = createFraudRulesService(fx.db);
  await rules.create({
    ruleSet,
    name: 'big amount',
    type: 'amount_threshold',
    params: { thresholdMinor: '5000000' },
    weight: 50,
    action: 'REVIEW',
  });
  await rules.create({
    ruleSet,
    name: 'blocked payee',
    type: 'blocklist',
    params: { accountIds: [blockedAccount], customerIds: [] },
    weight: 100,
    action: 'BLOCK',
  });
  activities = {
    ...createActivities({ db: fx.db, redis, producer, config, logger }),
    ...createFraudActivities({ db: fx.db, redis, config, logger, producer, ruleSet }),
  };
});

afterAll(async () => {
  await capture?.stop();
  await admin?.disconnect();
  await producer?.disconnect();
  redis?.disconnect();
  await smtp?.close();
  await sms?.close();
  await env?.teardown();
  await fx.close();
});

/** Waits until the capture has read every record appended to `topics` so far. */
async function drained(topics: string[]): Promise<void> {
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      const last = Number(high) - 1;
      // Records before the capture's start are not ours to wait for.
      if (last < (captureStart.get(`${topic}/${partition}`) ?? 0)) continue;
      await eventually(
        async () =>
          capture.records.some(
            (r) =>
              r.topic === topic && r.partition === partition && Number(r.message.offset) >= last,
          ),
        (done) => done,
      );
    }
  }
}

/** Every event of one transfer on one topic, in offset order, validated. */
function eventsOf(topic: string, transferId: string): ReceivedEvent[] {
  const records = capture.records
    .filter((r) => r.topic === topic && r.message.key?.toString() === transferId)
    .sort((a, b) => Number(a.message.offset) - Number(b.message.offset));
  // One key, one partition: per-aggregate order is the partition's order.
  expect(new Set(records.map((r) => r.partition)).size).toBeLessThanOrEqual(1);
  return records.map((r) => {
    expect(r.message.headers?.['content-type']?.toString()).toBe(CLOUDEVENTS_CONTENT_TYPE);
    return decodeCloudEvent(r.message.value); // envelope + versioned data schema, or throws
  });
}

interface Parties {
  customerId: string;
  from: string;
  to: string;
}

async function parties(balance: bigint, to?: string): Promise<Parties> {
  const customerId = uniqueId('cus');
  const from = await createFundedAccount(fx.ledger, { balance, customerId });
  return { customerId, from, to: to ?? (await createFundedAccount(fx.ledger, { balance: 0n })) };
}

function transferInput(p: Parties, amount: bigint) {
  return {
    transferId: uniqueId('trf'),
    customerId: p.customerId,
    fromAccountId: p.from,
    toAccountId: p.to,
    amount: amount.toString(),
    currency: 'USD',
    memo: 'saga events',
    reviewTimeoutSeconds: 600,
  };
}

type Input = ReturnType<typeof transferInput>;

const result = (transferId: string) =>
  env.client.workflow.getHandle<typeof transferWorkflow>(workflowIds.transfer(transferId)).result();

const waitForStatus = (transferId: string, status: TransferStatus) =>
  eventually(
    () => getTransferStatus(env.client, transferId),
    (s) => s.status === status,
  );

/**
 * The transfer's events on `transactions` are exactly `types`, in order, with deterministic ids,
 * the transfer as key and subject, and the transfer's data; `fraud` carries exactly `alerts`.
 */
async function expectEvents(
  t: Input,
  types: EventType[],
  alerts: ('REVIEW' | 'BLOCK')[],
  failureCode?: string,
): Promise<void> {
  await drained([TOPICS.transactions, TOPICS.fraud]);
  const workflowId = workflowIds.transfer(t.transferId);
  const got = eventsOf(TOPICS.transactions, t.transferId);
  expect(got.map((e) => e.type)).toEqual(types);
  for (const e of got) {
    const step = e.type.slice('transfer.'.length);
    expect(e.version).toBe(1);
    expect(e.event).toMatchObject({
      specversion: '1.0',
      id: eventId(workflowId, step),
      source: '/harbor-bank',
      type: `com.harbor.${e.type}`,
      subject: t.transferId,
      datacontenttype: 'application/json',
      dataschema: `urn:harbor:events:${e.type}:v1`,
      data: {
        transferId: t.transferId,
        customerId: t.customerId,
        fromAccountId: t.fromAccountId,
        toAccountId: t.toAccountId,
        amount: t.amount,
        currency: 'USD',
        memo: t.memo,
      },
    });
  }
  const terminal = got.at(-1)!;
  if (failureCode === undefined) {
    expect(terminal.event.data.failureCode).toBeUndefined();
  } else {
    expect(terminal.event.data.failureCode).toBe(failureCode);
  }

  const fraud = eventsOf(TOPICS.fraud, t.transferId);
  expect(fraud.map((e) => [e.type, e.event.data.decision])).toEqual(
    alerts.map((d) => ['fraud.alert', d]),
  );
  for (const e of fraud) {
    expect(e.event.id).toBe(eventId(workflowId, 'fraud-alert'));
    expect(e.event.data).toMatchObject({
      transferId: t.transferId,
      customerId: t.customerId,
      amount: t.amount,
      currency: 'USD',
    });
  }
}

async function expectBalances(p: Parties, final: TransferSnapshot, from: bigint, to: bigint) {
  const a = await fx.ledger.getBalances(p.from);
  const b = await fx.ledger.getBalances(p.to);
  expect({ from: a.posted, to: b.posted, fromPending: a.debitsPending }).toEqual({
    from,
    to,
    fromPending: 0n,
  });
  expect(final.fundsHeld).toBe(false);
}

describe('TransferWorkflow events on Kafka, per saga path', () => {
  it('completed: initiated, funds_held, completed; the sender gets the email', async () => {
    const p = await parties(10_000n);
    const email = `${p.customerId}@example.test`;
    await createNotificationService({ db: fx.db, logger }).setContacts(p.customerId, { email });
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, 2_500n);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      const final = await result(t.transferId);
      expect(final.status).toBe('COMPLETED');
      await expectEvents(
        t,
        ['transfer.initiated', 'transfer.funds_held', 'transfer.completed'],
        [],
      );
      await expectBalances(p, final, 7_500n, 2_500n);
      const mail = await smtp.waitFor((m) => m.to.includes(email));
      expect(mail.decoded).toContain(t.transferId);
    });
  });

  it('completed after review: awaiting_review before completed, fraud.alert REVIEW', async () => {
    const p = await parties(REVIEW_AMOUNT);
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, REVIEW_AMOUNT);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      await waitForStatus(t.transferId, 'AWAITING_REVIEW');
      await approveTransfer(env.client, t.transferId, { actor: 'usr_rev', reason: 'verified' });
      const final = await result(t.transferId);
      expect(final.status).toBe('COMPLETED');
      await expectEvents(
        t,
        [
          'transfer.initiated',
          'transfer.funds_held',
          'transfer.awaiting_review',
          'transfer.completed',
        ],
        ['REVIEW'],
      );
      await expectBalances(p, final, 0n, REVIEW_AMOUNT);
    });
  });

  it('rejected by fraud (blocklisted payee): rejected with FRAUD_BLOCKED, fraud.alert BLOCK, hold voided', async () => {
    // The blocklisted id is a real account, so the hold is placed before scoring blocks it.
    await fx.ledger.createAccount({
      id: blockedAccount,
      currency: 'USD',
      kind: 'customer',
      type: 'CHECKING',
      customerId: uniqueId('cus'),
    });
    const p = await parties(10_000n, blockedAccount);
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, 1_000n);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      const final = await result(t.transferId);
      expect([final.status, final.failureCode]).toEqual(['REJECTED', 'FRAUD_BLOCKED']);
      await expectEvents(
        t,
        ['transfer.initiated', 'transfer.funds_held', 'transfer.rejected'],
        ['BLOCK'],
        'FRAUD_BLOCKED',
      );
      await expectBalances(p, final, 10_000n, 0n);
      expect((await fx.ledger.getTransfer(ledgerIds.void(t.transferId))).kind).toBe('void_pending');
    });
  });

  it('rejected in review by support: rejected with REVIEW_REJECTED', async () => {
    const p = await parties(REVIEW_AMOUNT);
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, REVIEW_AMOUNT);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      await waitForStatus(t.transferId, 'AWAITING_REVIEW');
      await rejectTransfer(env.client, t.transferId, { actor: 'usr_rev', reason: 'mule' });
      const final = await result(t.transferId);
      expect(final.failureCode).toBe('REVIEW_REJECTED');
      await expectEvents(
        t,
        [
          'transfer.initiated',
          'transfer.funds_held',
          'transfer.awaiting_review',
          'transfer.rejected',
        ],
        ['REVIEW'],
        'REVIEW_REJECTED',
      );
      await expectBalances(p, final, REVIEW_AMOUNT, 0n);
    });
  });

  it('cancelled by the customer during review: cancelled, hold voided', async () => {
    const p = await parties(REVIEW_AMOUNT);
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, REVIEW_AMOUNT);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      await waitForStatus(t.transferId, 'AWAITING_REVIEW');
      await cancelTransfer(env.client, t.transferId, {
        actor: p.customerId,
        reason: 'changed my mind',
      });
      const final = await result(t.transferId);
      expect(final.status).toBe('CANCELLED');
      await expectEvents(
        t,
        [
          'transfer.initiated',
          'transfer.funds_held',
          'transfer.awaiting_review',
          'transfer.cancelled',
        ],
        ['REVIEW'],
      );
      await expectBalances(p, final, REVIEW_AMOUNT, 0n);
    });
  });

  it('failed, hold refused (insufficient funds): only failed is published', async () => {
    const p = await parties(100n);
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, 5_000n);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      const final = await result(t.transferId);
      expect([final.status, final.failureCode]).toEqual(['FAILED', 'INSUFFICIENT_FUNDS']);
      // Nothing was held, so nothing was initiated: the saga's first event is its outcome.
      await expectEvents(t, ['transfer.failed'], [], 'INSUFFICIENT_FUNDS');
      await expectBalances(p, final, 100n, 0n);
    });
  });

  it('failed at validation (source frozen before the start): only failed, nothing held', async () => {
    const p = await parties(10_000n);
    await fx.ledger.setAccountStatus(p.from, 'FROZEN');
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, 1_000n);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      const final = await result(t.transferId);
      expect([final.status, final.failureCode]).toEqual(['FAILED', 'ACCOUNT_FROZEN']);
      // Refused before any hold (patch transfer-refusal-event-v1): its outcome is still announced.
      await expectEvents(t, ['transfer.failed'], [], 'ACCOUNT_FROZEN');
      await expectBalances(p, final, 10_000n, 0n);
    });
  });

  it('failed with compensation (source frozen during review, posting refused): hold voided', async () => {
    const p = await parties(REVIEW_AMOUNT);
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = transferInput(p, REVIEW_AMOUNT);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      await waitForStatus(t.transferId, 'AWAITING_REVIEW');
      await fx.ledger.setAccountStatus(p.from, 'FROZEN');
      await approveTransfer(env.client, t.transferId, { actor: 'usr_rev', reason: 'verified' });
      const final = await result(t.transferId);
      expect([final.status, final.failureCode]).toEqual(['FAILED', 'ACCOUNT_FROZEN']);
      await expectEvents(
        t,
        [
          'transfer.initiated',
          'transfer.funds_held',
          'transfer.awaiting_review',
          'transfer.failed',
        ],
        ['REVIEW'],
        'ACCOUNT_FROZEN',
      );
      await expectBalances(p, final, REVIEW_AMOUNT, 0n);
      expect((await fx.ledger.getTransfer(ledgerIds.void(t.transferId))).kind).toBe('void_pending');
    });
    await expectLedgerBalanced(fx.db);
  });

  it('a forced publish retry republishes the same ids, and the read-model consumer applies them once', async () => {
    const groupId = `test-saga-summary-${uid()}`;
    const summary = await startConsumer(
      { kafka, db: fx.db, producer, logger },
      accountSummaryHandler(),
      { groupId, retryBackoffMs: 50 },
    );
    try {
      await summary.ready;
      const p = await parties(10_000n);
      const t = transferInput(p, 4_321n);
      // The worker loses the reply of the publish carrying `completed`: Kafka has the records, the
      // activity fails once, Temporal retries it, and the same events are sent again.
      const realPublish = activities.publishEvents as (e: DomainEventInput[]) => Promise<unknown>;
      let lostReplies = 0;
      const flaky = {
        ...activities,
        async publishEvents(events: DomainEventInput[]) {
          const out = await realPublish(events);
          if (lostReplies === 0 && events.some((e) => e.type === 'transfer.completed')) {
            lostReplies += 1;
            throw new Error('injected: reply lost after the send');
          }
          return out;
        },
      };
      await withWorker(env, { activities: flaky }, async (taskQueue) => {
        await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
        expect((await result(t.transferId)).status).toBe('COMPLETED');
      });
      expect(lostReplies).toBe(1);

      await drained([TOPICS.transactions]);
      const completedId = eventId(workflowIds.transfer(t.transferId), 'completed');
      const got = eventsOf(TOPICS.transactions, t.transferId);
      const copies = got.filter((e) => e.type === 'transfer.completed');
      expect(copies.map((e) => e.event.id)).toEqual([completedId, completedId]);
      // Byte-identical republish: same time and data, so consumers cannot tell them apart.
      expect(copies[1]!.event).toEqual(copies[0]!.event);

      await eventually(
        () =>
          fx.db
            .select()
            .from(processedEvents)
            .where(
              and(
                eq(processedEvents.consumer, ACCOUNT_SUMMARY_CONSUMER),
                eq(processedEvents.eventId, completedId),
              ),
            ),
        (rows) => rows.length === 1,
      );
      // The group has consumed past the second copy too (committed offset beyond it).
      const [last] = capture.records
        .filter(
          (r) => r.topic === TOPICS.transactions && r.message.key?.toString() === t.transferId,
        )
        .sort((a, b) => Number(b.message.offset) - Number(a.message.offset));
      await eventually(
        async () => {
          const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPICS.transactions] });
          const committed = topic?.partitions.find((x) => x.partition === last!.partition);
          return Number(committed?.offset ?? -1);
        },
        (committed) => committed > Number(last!.message.offset),
      );
      const month = monthOf(copies[0]!.event.time);
      expect(await summaryFor(fx.db, p.from, month, 'USD')).toMatchObject({
        outMinor: 4_321n,
        outCount: 1,
      });
      expect(await summaryFor(fx.db, p.to, month, 'USD')).toMatchObject({
        inMinor: 4_321n,
        inCount: 1,
      });
    } finally {
      await summary.stop();
    }
    await expectLedgerBalanced(fx.db);
  });
});
