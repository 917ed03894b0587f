/**
 * Versioned schemas of every event's `data`. A CloudEvent names its schema in `dataschema`
 * (`urn:harbor:events:<type>:v<n>`); publishers validate before sending and consumers validate on
 * receipt, so a malformed event is caught at the edge (and dead-lettered by consumers).
 * Unknown extra fields are allowed (additive evolution); a breaking change adds a new version.
 */
import { z } from 'zod';
import { CURRENCY_CODES } from '../../domain/money';
import { EVENT_TYPES, type EventType } from '../../domain/events';

const minor = z.string().regex(/^-?\d{1,19}$/, 'amount must be a MinorString');
const id = z.string().min(1).max(200);
const currency = z.enum(CURRENCY_CODES as [string, ...string[]]);

const transferV1 = z.looseObject({
  transferId: id,
  customerId: id,
  fromAccountId: id,
  toAccountId: id,
  amount: minor,
  currency,
  toCustomerId: id.optional(),
  memo: z.string().max(500).nullable().optional(),
  failureCode: z.string().optional(),
  reason: z.string().max(1000).optional(),
});
const accountV1 = z.looseObject({
  accountId: id,
  customerId: id,
  currency,
  type: z.string().optional(),
  reason: z.string().max(1000).optional(),
});
const kycV1 = z.looseObject({ customerId: id, reasons: z.array(z.string()).optional() });
const fraudAlertV1 = z.looseObject({
  transferId: id,
  caseId: id,
  customerId: id,
  fromAccountId: id,
  toAccountId: id,
  amount: minor,
  currency,
  score: z.number().int().min(0).max(100),
  decision: z.enum(['REVIEW', 'BLOCK']),
  reasons: z.array(z.object({ rule: z.string(), value: z.string(), weight: z.number() })),
});
const scheduledV1 = z.looseObject({
  scheduleId: id,
  customerId: id,
  fromAccountId: id.optional(),
  toAccountId: id.optional(),
  amount: minor.optional(),
  currency: currency.optional(),
  dueDate: z.string().optional(),
  transferId: id.optional(),
  reason: z.string().max(1000).optional(),
});

type Schema = z.ZodType<Record<string, unknown>>;

/** type → version → schema */
export const EVENT_DATA_SCHEMAS: Record<EventType, Record<number, Schema>> = {
  'transfer.initiated': { 1: transferV1 },
  'transfer.funds_held': { 1: transferV1 },
  'transfer.awaiting_review': { 1: transferV1 },
  'transfer.completed': { 1: transferV1 },
  'transfer.failed': { 1: transferV1 },
  'transfer.cancelled': { 1: transferV1 },
  'transfer.rejected': { 1: transferV1 },
  'transfer.reversed': { 1: transferV1 },
  'account.opened': { 1: accountV1 },
  'account.frozen': { 1: accountV1 },
  'account.unfrozen': { 1: accountV1 },
  'account.closed': { 1: accountV1 },
  'kyc.submitted': { 1: kycV1 },
  'kyc.approved': { 1: kycV1 },
  'kyc.rejected': { 1: kycV1 },
  'fraud.alert': { 1: fraudAlertV1 },
  'scheduled_payment.created': { 1: scheduledV1 },
  'scheduled_payment.occurrence_completed': { 1: scheduledV1 },
  'scheduled_payment.occurrence_skipped': { 1: scheduledV1 },
};

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_TYPES, value);
}

export function dataSchemaUri(type: EventType, version: number): string {
  return `urn:harbor:events:${type}:v${version}`;
}

/** Parses `urn:harbor:events:<type>:v<n>` back to its parts. */
export function parseDataSchemaUri(uri: string): { type: string; version: number } | undefined {
  const m = /^urn:harbor:events:([a-z_.]+):v(\d+)$/.exec(uri);
  return m ? { type: m[1]!, version: Number(m[2]) } : undefined;
}

export type DataValidation = { ok: true } | { ok: false; error: string };

export function validateEventData(type: EventType, version: number, data: unknown): DataValidation {
  const schema = EVENT_DATA_SCHEMAS[type]?.[version];
  if (!schema) return { ok: false, error: `no schema for ${type} v${version}` };
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true };
  return {
    ok: false,
    error: parsed.error.issues
      .map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`)
      .join('; '),
  };
}
