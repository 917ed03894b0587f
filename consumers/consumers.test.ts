import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Producer } from 'kafkajs';
import { createDatabase, type Database } from '../db/client';
import { processedEvents } from '../db/schema';
import { TOPICS, type DomainEventInput } from '../domain/events';
import { eventId, workflowIds } from '../domain/ids';
import { createEventActivities } from '../activities/events/events.activities';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { registry } from '../platform/metrics';
import { captureTopics, type TopicCapture } from '../test/fakes/kafka-capture';
import {
  ACCOUNT_SUMMARY_CONSUMER,
  accountSummaryHandler,
  rebuildAccountSummaries,
  summaryFor,
} from './account-summary.consumer';
import { startConsumer, type EventHandler, type RunningConsumer } from './runtime';

const kafka = createKafka(process.env.KAFKA_BROKERS!.split(','), 'consumers-test');
const logger = createLogger({ level: 'silent' });
let database: Database;
let producer: Producer;
let dlq: TopicCapture;
const running: RunningConsumer[] = [];
const uid = () => randomBytes(6).toString('hex');

beforeAll(async () => {
  database = createDatabase(process.env.DATABASE_URL!, { max: 4 });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  dlq = await captureTopics(kafka, [TOPICS.deadLetter]);
}, 60_000);
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await dlq?.stop();
  await producer?.disconnect();
  await database?.close();
});

async function start(handler: EventHandler, maxAttempts = 3, groupId = `test-${randomUUID()}`) {
  const r = await startConsumer({ kafka, db: database.db, producer, logger }, handler, {
    groupId,
    maxAttempts,
    retryBackoffMs: 50,
  });
  running.push(r);
  await r.ready;
  return r;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}

function completed(
  transferId: string,
  from: string,
  to: string,
  amount: string,
  step = 'completed',
): DomainEventInput {
  return {
    id: eventId(workflowIds.transfer(transferId), step),
    type: 'transfer.completed',
    subject: from,
    dataVersion: 1,
    time: '2026-03-10T12:00:00.000Z',
    data: {
      transferId,
      customerId: `cus_${uid()}`,
      fromAccountId: from,
      toAccountId: to,
      amount,
      currency: 'USD',
    },
  };
}

describe('consumers', () => {
  it('applies a republished event (activity retry, same id) once, and the read model rebuilds from the topic', async () => {
    await start(accountSummaryHandler());
    const { publishEvents } = createEventActivities({ producer });
    const from = `acc_${uid()}`;
    const to = `acc_${uid()}`;
    const event = completed(`trf_${uid()}`, from, to, '1050');
    await publishEvents([event]);
    await publishEvents([event]); // the retried activity republishes the same id
    const sentinel = completed(`trf_${uid()}`, from, to, '7');
    await publishEvents([sentinel]); // same key → same partition → consumed after both copies

    await waitUntil(async () => {
      const rows = await database.db
        .select()
        .from(processedEvents)
        .where(
          and(
            eq(processedEvents.consumer, ACCOUNT_SUMMARY_CONSUMER),
            eq(processedEvents.eventId, sentinel.id),
          ),
        );
      return rows.length === 1;
    });
    const out = await summaryFor(database.db, from, '2026-03', 'USD');
    const inn = await summaryFor(database.db, to, '2026-03', 'USD');
    expect(out).toMatchObject({ outMinor: 1057n, outCount: 2, inMinor: 0n });
    expect(inn).toMatchObject({ inMinor: 1057n, inCount: 2, outMinor: 0n });

    const rebuilt = await rebuildAccountSummaries(
      { kafka, db: database.db },
      { accountIds: [from, to] },
    );
    expect(rebuilt).toEqual({ events: 2, accounts: 2 });
    expect(await summaryFor(database.db, from, '2026-03', 'USD')).toMatchObject({
      outMinor: 1057n,
      outCount: 2,
    });
    expect(await summaryFor(database.db, to, '2026-03', 'USD')).toMatchObject({
      inMinor: 1057n,
      inCount: 2,
    });
  }, 90_000);

  it('dead-letters a malformed record at once, and a failing event after N attempts, with the error', async () => {
    const poisonId = `poison-${uid()}`;
    let attempts = 0;
    const handler: EventHandler = {
      name: `poison-test-${uid()}`,
      topics: [TOPICS.transactions],
      async apply(received) {
        if (received.event.id === poisonId) {
          attempts += 1;
          throw new Error('boom: cannot apply');
        }
      },
    };
    await start(handler, 3);
    const garbageKey = `garbage-${uid()}`;
    await producer.send({
      topic: TOPICS.transactions,
      acks: -1,
      messages: [{ key: garbageKey, value: '{not json' }],
    });
    const { publishEvents } = createEventActivities({ producer });
    const poison = {
      ...completed(`trf_${uid()}`, `acc_${uid()}`, `acc_${uid()}`, '5'),
      id: poisonId,
    };
    await publishEvents([poison]);
    // The partition is not blocked: a later event on the same key is still consumed.
    const after = completed(`trf_${uid()}`, poison.subject, `acc_${uid()}`, '6');
    await publishEvents([after]);

    const [garbage] = await dlq.waitFor((r) => r.message.key?.toString() === garbageKey);
    expect(garbage!.message.value?.toString()).toBe('{not json');
    expect(garbage!.message.headers?.['x-dlq-error']?.toString()).toBe(
      'invalid event: record value is not JSON',
    );
    expect(garbage!.message.headers?.['x-dlq-source-topic']?.toString()).toBe('transactions');

    const [failed] = await dlq.waitFor(
      (r) => r.message.value?.toString().includes(poisonId) ?? false,
    );
    expect(failed!.message.headers?.['x-dlq-error']?.toString()).toBe('boom: cannot apply');
    expect(failed!.message.headers?.['x-dlq-attempts']?.toString()).toBe('3');
    expect(failed!.message.headers?.['x-dlq-consumer']?.toString()).toBe(handler.name);
    expect(attempts).toBe(3);
    await waitUntil(async () => {
      const rows = await database.db
        .select()
        .from(processedEvents)
        .where(
          and(eq(processedEvents.consumer, handler.name), eq(processedEvents.eventId, after.id)),
        );
      return rows.length === 1;
    });
    // The failed event's dedupe row rolled back with its effect.
    const poisonRows = await database.db
      .select()
      .from(processedEvents)
      .where(
        and(eq(processedEvents.consumer, handler.name), eq(processedEvents.eventId, poisonId)),
      );
    expect(poisonRows).toHaveLength(0);
  }, 90_000);

  it('exports the group lag per partition after each batch (harbor_kafka_consumer_lag)', async () => {
    const groupId = `test-lag-${randomUUID()}`;
    const seen: string[] = [];
    const handler: EventHandler = {
      name: `lag-test-${uid()}`,
      topics: [TOPICS.transactions],
      async apply(received) {
        seen.push(received.event.id);
      },
    };
    await start(handler, 3, groupId);
    const { publishEvents } = createEventActivities({ producer });
    const from = `acc_${uid()}`;
    const events = [1, 2, 3].map((n) =>
      completed(`trf_${uid()}`, from, `acc_${uid()}`, String(n), `lag-${n}`),
    );
    await publishEvents(events);
    await waitUntil(async () => events.every((e) => seen.includes(e.id)));

    const lagFor = async () => {
      const metric = registry.getSingleMetric('harbor_kafka_consumer_lag');
      if (!metric) throw new Error('harbor_kafka_consumer_lag is not registered');
      return (await metric.get()).values.filter(
        (v) => v.labels.group === groupId && v.labels.topic === TOPICS.transactions,
      );
    };
    // END_BATCH_PROCESS fires right after the last message of the batch is handled.
    await waitUntil(async () => (await lagFor()).length > 0, 10_000);
    const admin = kafka.admin();
    await admin.connect();
    const high = new Map(
      (await admin.fetchTopicOffsets(TOPICS.transactions)).map((p) => [
        String(p.partition),
        Number(p.high),
      ]),
    );
    await admin.disconnect();
    for (const v of await lagFor()) {
      expect(Number.isInteger(v.value)).toBe(true);
      expect(v.value).toBeGreaterThanOrEqual(0);
      // Never more than the partition holds.
      expect(v.value).toBeLessThanOrEqual(high.get(String(v.labels.partition)) ?? -1);
    }
  }, 60_000);
});
