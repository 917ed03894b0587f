/**
 * The consumer runtime every event consumer runs on (kafkajs consumer groups):
 *
 * - decode + validate the CloudEvent (structured mode); a malformed record is dead-lettered at once;
 * - apply the effect and record the event id in `processed_events` **in one transaction**, so a
 *   redelivered or republished event is applied once (dedupe key: consumer name + event id);
 * - a failing effect is retried in-process up to `maxAttempts` with exponential backoff (heartbeating
 *   between attempts), then the record goes to the `dead-letter` topic with the error in headers and
 *   the offset is committed: a poison message never blocks its partition;
 * - the group's lag per partition is exported as `harbor_kafka_consumer_lag`.
 */
import { sql } from 'drizzle-orm';
import type { Consumer, EachMessagePayload, IHeaders, Kafka, Producer } from 'kafkajs';
import type { Db } from '../db/client';
import { processedEvents } from '../db/schema';
import { TOPICS } from '../domain/events';
import type { Logger } from '../platform/logger';
import { metrics } from '../platform/metrics';
import {
  decodeCloudEvent,
  InvalidEventError,
  type ReceivedEvent,
} from '../activities/events/cloudevents';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface EventHandler {
  /** Dedupe namespace and log name, e.g. `notifications`. */
  name: string;
  topics: string[];
  /** The effect, inside the dedupe transaction. */
  apply(received: ReceivedEvent, tx: Tx): Promise<void>;
  /** Side effects outside Postgres after the commit (e.g. send emails). Errors are logged only. */
  afterCommit?(received: ReceivedEvent): Promise<void>;
}

export interface ConsumerRuntimeDeps {
  kafka: Kafka;
  db: Db;
  /** For dead-lettering: an idempotent producer (acks=all). */
  producer: Producer;
  logger: Logger;
}

export interface ConsumerOptions {
  groupId: string;
  fromBeginning?: boolean;
  maxAttempts?: number;
  retryBackoffMs?: number;
  deadLetterTopic?: string;
}

export interface RunningConsumer {
  consumer: Consumer;
  /** Resolves once the group has assigned partitions (the consumer is live). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export type ApplyOutcome = 'applied' | 'duplicate';

/** Applies one event exactly once for this consumer name. */
export async function applyOnce(
  db: Db,
  handler: EventHandler,
  received: ReceivedEvent,
): Promise<ApplyOutcome> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(processedEvents)
      .values({ consumer: handler.name, eventId: received.event.id, eventType: received.type })
      .onConflictDoNothing()
      .returning({ id: processedEvents.eventId });
    if (inserted.length === 0) return 'duplicate';
    await handler.apply(received, tx);
    return 'applied';
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function headerString(v: IHeaders[string]): string | undefined {
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

export async function deadLetter(
  producer: Producer,
  topic: string,
  handlerName: string,
  {
    topic: sourceTopic,
    partition,
    message,
  }: Pick<EachMessagePayload, 'topic' | 'partition' | 'message'>,
  error: string,
  attempts: number,
): Promise<void> {
  const headers: IHeaders = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    const s = headerString(v);
    if (s !== undefined) headers[k] = s;
  }
  await producer.send({
    topic,
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...headers,
          'x-dlq-consumer': handlerName,
          'x-dlq-error': error.slice(0, 2000),
          'x-dlq-attempts': String(attempts),
          'x-dlq-source-topic': sourceTopic,
          'x-dlq-source-partition': String(partition),
          'x-dlq-source-offset': message.offset,
          'x-dlq-at': new Date().toISOString(),
        },
      },
    ],
  });
}

export async function startConsumer(
  deps: ConsumerRuntimeDeps,
  handler: EventHandler,
  opts: ConsumerOptions,
): Promise<RunningConsumer> {
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoff = opts.retryBackoffMs ?? 200;
  const dlq = opts.deadLetterTopic ?? TOPICS.deadLetter;
  const log = deps.logger.child({ consumer: handler.name, groupId: opts.groupId });
  const consumer = deps.kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  // kafkajs resolves a new group's "latest" offsets on its first fetch, after GROUP_JOIN: an
  // event produced between the two would be skipped, so `ready` waits for that first fetch.
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.FETCH, () => {
    if (joined) resolveReady();
  });

  // Lag per partition after each batch: the fetch's high watermark minus the batch's last offset.
  // An idle partition emits no batch, so its gauge keeps the last value (0 once caught up).
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    metrics.setConsumerLag(
      opts.groupId,
      payload.topic,
      payload.partition,
      Number(payload.offsetLag),
    );
  });

  await consumer.connect();
  await consumer.subscribe({ topics: handler.topics, fromBeginning: opts.fromBeginning ?? false });
  await consumer.run({
    eachMessage: async (payload) => {
      const { message, heartbeat } = payload;
      let received: ReceivedEvent;
      try {
        received = decodeCloudEvent(message.value);
      } catch (err) {
        const reason = err instanceof InvalidEventError ? err.message : String(err);
        log.warn(
          { topic: payload.topic, offset: message.offset, reason },
          'invalid event dead-lettered',
        );
        await deadLetter(deps.producer, dlq, handler.name, payload, `invalid event: ${reason}`, 1);
        return;
      }
      let lastError = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        try {
          const outcome = await applyOnce(deps.db, handler, received);
          if (outcome === 'applied' && handler.afterCommit) {
            await handler
              .afterCommit(received)
              .catch((err: unknown) =>
                log.warn(
                  { eventId: received.event.id, err: String(err) },
                  'after-commit step failed',
                ),
              );
          }
          log.debug({ eventId: received.event.id, type: received.type, outcome }, 'event handled');
          return;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
          log.warn(
            { eventId: received.event.id, attempt, err: lastError },
            'event handling failed',
          );
          if (attempt < maxAttempts) {
            await sleep(backoff * 2 ** (attempt - 1));
            await heartbeat();
          }
        }
      }
      // An outage is not poison: if Postgres itself is unreachable, fail the message so kafkajs
      // redelivers it later instead of dead-lettering healthy events.
      await deps.db.execute(sql`select 1`).catch((err: unknown) => {
        log.error({ err: String(err) }, 'database unavailable; message will be redelivered');
        throw err;
      });
      await deadLetter(deps.producer, dlq, handler.name, payload, lastError, maxAttempts);
      log.error({ eventId: received.event.id, attempts: maxAttempts }, 'event dead-lettered');
    },
  });
  return {
    consumer,
    ready,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
