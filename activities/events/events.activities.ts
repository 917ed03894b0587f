/**
 * Publishing domain events is an activity: the workflow supplies deterministic ids
 * (`eventId(workflowId, step)`) and times (workflow time), so a retried activity republishes
 * byte-identical events and consumers dedupe by id.
 *
 * The producer is kafkajs's idempotent producer (`idempotent: true`, one in-flight request) and
 * every send uses `acks: -1` (all in-sync replicas). See cloudevents.ts for the envelope.
 */
import type { Producer } from 'kafkajs';
import { DomainError } from '../../domain/errors';
import { EVENT_SOURCE, type DomainEventInput } from '../../domain/events';
import type { Logger } from '../../platform/logger';
import { metrics } from '../../platform/metrics';
import { withDomainFailures } from '../shared/failures';
import { toKafkaRecord } from './cloudevents';
import { isEventType, validateEventData } from './event-schemas';

export interface EventActivityDeps {
  producer: Producer;
  logger?: Logger;
  /** CloudEvent `source`; defaults to `/harbor-bank`. */
  source?: string;
}

export interface PublishResult {
  published: number;
  ids: string[];
}

/** Rejects bad input with a non-retryable DomainError: a retry cannot fix a malformed event. */
export function assertPublishable(events: DomainEventInput[]): void {
  for (const e of events) {
    if (!e || typeof e.id !== 'string' || e.id.length === 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'event id is required (use eventId(workflowId, step))',
      );
    }
    if (!isEventType(e.type)) {
      throw new DomainError('VALIDATION_FAILED', `unknown event type: ${String(e.type)}`, {
        id: e.id,
      });
    }
    if (typeof e.subject !== 'string' || e.subject.length === 0) {
      throw new DomainError('VALIDATION_FAILED', 'event subject (aggregate id) is required', {
        id: e.id,
      });
    }
    if (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) {
      throw new DomainError('VALIDATION_FAILED', 'event time must be ISO-8601', { id: e.id });
    }
    const check = validateEventData(e.type, e.dataVersion ?? 1, e.data);
    if (!check.ok) {
      throw new DomainError('VALIDATION_FAILED', `invalid ${e.type} data: ${check.error}`, {
        id: e.id,
        type: e.type,
      });
    }
  }
}

export function createEventActivities(deps: EventActivityDeps) {
  const source = deps.source ?? EVENT_SOURCE;
  return withDomainFailures({
    /** Publishes events in order; records of one aggregate share a key, hence a partition. */
    async publishEvents(events: DomainEventInput[]): Promise<PublishResult> {
      if (events.length === 0) return { published: 0, ids: [] };
      assertPublishable(events);
      const byTopic = new Map<string, ReturnType<typeof toKafkaRecord>['message'][]>();
      for (const e of events) {
        const { topic, message } = toKafkaRecord({ ...e, dataVersion: e.dataVersion ?? 1 }, source);
        const list = byTopic.get(topic) ?? [];
        list.push(message);
        byTopic.set(topic, list);
      }
      try {
        await deps.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (err) {
        // Retryable (Temporal retries the activity); counted per topic so an outage shows up.
        for (const topic of byTopic.keys()) metrics.kafkaPublishError(topic);
        throw err;
      }
      for (const [topic, messages] of byTopic) metrics.kafkaPublished(topic, messages.length);
      deps.logger?.debug({ ids: events.map((e) => e.id) }, 'published domain events');
      return { published: events.length, ids: events.map((e) => e.id) };
    },
  });
}

export type EventActivities = ReturnType<typeof createEventActivities>;
