/**
 * CloudEvents 1.0 over Kafka, **structured content mode**: the record value is the whole event as
 * JSON (`content-type: application/cloudevents+json; charset=UTF-8` header), the record key is the
 * aggregate id (`subject`). Structured mode was chosen over binary `ce_` headers because a record
 * is then self-contained: the dead-letter topic, topic replays (read-model rebuilds) and
 * `kafka-console-consumer` all see the full envelope without header plumbing.
 *
 * `type` is `com.harbor.<domain>.<event>`; `dataschema` is `urn:harbor:events:<type>:v<n>`.
 */
import type { Message } from 'kafkajs';
import {
  EVENT_SOURCE,
  EVENT_TYPE_PREFIX,
  cloudEventType,
  topicFor,
  type DomainEventInput,
  type EventType,
  type Topic,
} from '../../domain/events';
import { dataSchemaUri, isEventType, parseDataSchemaUri, validateEventData } from './event-schemas';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

export interface CloudEvent<T = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  /** `com.harbor.transfer.completed` */
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  dataschema: string;
  data: T;
}

/** A received event with its short type and schema version resolved. */
export interface ReceivedEvent {
  event: CloudEvent;
  type: EventType;
  version: number;
}

/** Malformed envelope or data: retrying cannot help, so consumers dead-letter it at once. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export function toCloudEvent(input: DomainEventInput, source = EVENT_SOURCE): CloudEvent {
  return {
    specversion: '1.0',
    id: input.id,
    source,
    type: cloudEventType(input.type),
    time: input.time,
    subject: input.subject,
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(input.type, input.dataVersion),
    data: input.data,
  };
}

export function toKafkaRecord(
  input: DomainEventInput,
  source?: string,
): { topic: Topic; message: Message } {
  const event = toCloudEvent(input, source);
  return {
    topic: topicFor(input.type),
    message: {
      key: input.subject,
      value: JSON.stringify(event),
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
    },
  };
}

function shortType(ceType: string): string {
  const prefix = `${EVENT_TYPE_PREFIX}.`;
  return ceType.startsWith(prefix) ? ceType.slice(prefix.length) : ceType;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks the envelope and the versioned data schema. Throws InvalidEventError. */
export function validateCloudEvent(value: unknown): ReceivedEvent {
  if (typeof value !== 'object' || value === null)
    throw new InvalidEventError('event is not an object');
  const e = value as Record<string, unknown>;
  for (const attr of ['id', 'source', 'type', 'time', 'subject', 'dataschema'] as const) {
    if (typeof e[attr] !== 'string' || (e[attr] as string).length === 0) {
      throw new InvalidEventError(`missing or empty attribute: ${attr}`);
    }
  }
  if (e.specversion !== '1.0') throw new InvalidEventError('specversion must be 1.0');
  if (e.datacontenttype !== 'application/json')
    throw new InvalidEventError('datacontenttype must be application/json');
  if (!ISO_TIME.test(e.time as string)) throw new InvalidEventError('time must be RFC 3339');
  const type = shortType(e.type as string);
  if (!isEventType(type)) throw new InvalidEventError(`unknown event type: ${String(e.type)}`);
  const schema = parseDataSchemaUri(e.dataschema as string);
  if (!schema || schema.type !== type)
    throw new InvalidEventError(`bad dataschema: ${String(e.dataschema)}`);
  const check = validateEventData(type, schema.version, e.data);
  if (!check.ok)
    throw new InvalidEventError(`invalid data for ${type} v${schema.version}: ${check.error}`);
  return { event: e as unknown as CloudEvent, type, version: schema.version };
}

/** Decodes a Kafka record value (structured mode). Throws InvalidEventError. */
export function decodeCloudEvent(value: Buffer | string | null | undefined): ReceivedEvent {
  if (value === null || value === undefined) throw new InvalidEventError('empty record value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new InvalidEventError('record value is not JSON');
  }
  return validateCloudEvent(parsed);
}
