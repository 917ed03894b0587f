import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { EVENT_TYPES, TOPICS, type DomainEventInput, type EventType } from '../../domain/events';
import { createKafka } from '../../platform/kafka';
import { registry } from '../../platform/metrics';
import { captureTopics, type TopicCapture } from '../../test/fakes/kafka-capture';
import { CLOUDEVENTS_CONTENT_TYPE, decodeCloudEvent } from './cloudevents';
import { EVENT_DATA_SCHEMAS, validateEventData } from './event-schemas';
import { createEventActivities } from './events.activities';

const kafka = createKafka(process.env.KAFKA_BROKERS!.split(','), 'events-test');
let producer: Producer;
let capture: TopicCapture;

beforeAll(async () => {
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  capture = await captureTopics(
    kafka,
    Object.values(TOPICS).filter((t) => t !== TOPICS.deadLetter),
  );
}, 60_000);
afterAll(async () => {
  await capture?.stop();
  await producer?.disconnect();
});

const run = randomBytes(5).toString('hex');

describe('publishEvents', () => {
  it('publishes every event type to its topic as a valid CloudEvent keyed by the aggregate id', async () => {
    const { publishEvents } = createEventActivities({ producer });
    const events: DomainEventInput[] = (Object.keys(EVENT_TYPES) as EventType[]).map((type) => ({
      id: `test-${run}:${type}`,
      type,
      subject: `agg_${run}_${type}`,
      dataVersion: 1,
      data: sampleData(type),
      time: '2026-03-10T12:00:00.000Z',
    }));
    const result = await publishEvents(events);
    expect(result.published).toBe(events.length);

    const got = await capture.waitFor(
      (r) => r.message.value?.toString().includes(run) ?? false,
      events.length,
    );
    for (const e of events) {
      const record = got.find((r) => r.message.key?.toString() === e.subject);
      expect(record).toBeDefined();
      expect(record!.topic).toBe(EVENT_TYPES[e.type]);
      expect(record!.message.headers?.['content-type']?.toString()).toBe(CLOUDEVENTS_CONTENT_TYPE);
      const received = decodeCloudEvent(record!.message.value);
      expect(received.type).toBe(e.type);
      expect(received.event).toMatchObject({
        specversion: '1.0',
        id: e.id,
        source: '/harbor-bank',
        type: `com.harbor.${e.type}`,
        subject: e.subject,
        time: e.time,
        datacontenttype: 'application/json',
        dataschema: `urn:harbor:events:${e.type}:v1`,
      });
    }
  });

  it('rejects a malformed event with a non-retryable VALIDATION_FAILED before sending', async () => {
    const { publishEvents } = createEventActivities({ producer });
    await expect(
      publishEvents([
        {
          id: `x-${run}`,
          type: 'transfer.completed',
          subject: 'trf_x',
          dataVersion: 1,
          time: '2026-03-10T12:00:00.000Z',
          data: { transferId: 'trf_x', amount: 12.5 },
        },
      ]),
    ).rejects.toMatchObject({ type: 'VALIDATION_FAILED', nonRetryable: true });
  });
});

/** A counter's value for one topic, read from the prom-client registry like a scrape would. */
async function counterFor(name: string, topic: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  return values.find((v) => v.labels.topic === topic)?.value ?? 0;
}

describe('publish metrics', () => {
  const event = (id: string, type: EventType): DomainEventInput => ({
    id,
    type,
    subject: `agg_${run}`,
    dataVersion: 1,
    data: sampleData(type),
    time: '2026-03-10T12:00:00.000Z',
  });

  it('counts published events per topic in harbor_kafka_published_total', async () => {
    const { publishEvents } = createEventActivities({ producer });
    const before = {
      transactions: await counterFor('harbor_kafka_published_total', TOPICS.transactions),
      fraud: await counterFor('harbor_kafka_published_total', TOPICS.fraud),
    };
    await publishEvents([
      event(`m-${run}:1`, 'transfer.initiated'),
      event(`m-${run}:2`, 'transfer.funds_held'),
      event(`m-${run}:3`, 'fraud.alert'),
    ]);
    expect(await counterFor('harbor_kafka_published_total', TOPICS.transactions)).toBe(
      before.transactions + 2,
    );
    expect(await counterFor('harbor_kafka_published_total', TOPICS.fraud)).toBe(before.fraud + 1);
  });

  it('counts a failed send in harbor_kafka_publish_errors_total and stays retryable', async () => {
    // A real producer that was never connected: kafkajs refuses the send, as during an outage.
    const offline = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const { publishEvents } = createEventActivities({ producer: offline });
    const errorsBefore = await counterFor('harbor_kafka_publish_errors_total', TOPICS.accounts);
    const publishedBefore = await counterFor('harbor_kafka_published_total', TOPICS.accounts);
    const failure = await publishEvents([event(`e-${run}:1`, 'account.opened')]).catch(
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    // Not a DomainError: Temporal retries it (no non-retryable ApplicationFailure).
    expect((failure as { nonRetryable?: boolean }).nonRetryable).toBeUndefined();
    expect(await counterFor('harbor_kafka_publish_errors_total', TOPICS.accounts)).toBe(
      errorsBefore + 1,
    );
    expect(await counterFor('harbor_kafka_published_total', TOPICS.accounts)).toBe(publishedBefore);
  });
});

describe('event data schemas', () => {
  it('has a v1 schema for every event type that accepts the sample and rejects garbage', () => {
    for (const type of Object.keys(EVENT_TYPES) as EventType[]) {
      expect(EVENT_DATA_SCHEMAS[type][1]).toBeDefined();
      expect(validateEventData(type, 1, sampleData(type))).toEqual({ ok: true });
      expect(validateEventData(type, 1, { nonsense: true }).ok).toBe(false);
      expect(validateEventData(type, 2, sampleData(type)).ok).toBe(false);
    }
  });
});

function sampleData(type: EventType): Record<string, unknown> {
  const transfer = {
    transferId: `trf_${run}`,
    customerId: `cus_${run}`,
    fromAccountId: `acc_a${run}`,
    toAccountId: `acc_b${run}`,
    amount: '1050',
    currency: 'USD',
  };
  if (type.startsWith('transfer.')) return transfer;
  if (type.startsWith('account.'))
    return { accountId: `acc_${run}`, customerId: `cus_${run}`, currency: 'EUR' };
  if (type.startsWith('kyc.')) return { customerId: `cus_${run}`, reasons: [] };
  if (type === 'fraud.alert') {
    return {
      ...transfer,
      caseId: `frc_${run}`,
      score: 60,
      decision: 'REVIEW',
      reasons: [{ rule: 'r', value: 'v', weight: 60 }],
    };
  }
  return { scheduleId: `sch_${run}`, customerId: `cus_${run}`, dueDate: '2026-03-10' };
}
