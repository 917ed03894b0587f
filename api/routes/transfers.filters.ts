/**
 * The history filters of `GET /api/v1/transfers`: the query schema (so OpenAPI documents every
 * filter) and the parsing of what the schema cannot check alone: real calendar dates and ranges
 * whose lower bound is not above the upper one (400 VALIDATION_FAILED, naming the field).
 */
import { Type } from 'typebox';
import type { ListTransfersQuery } from '../../activities/transfers/transfers.service';
import { DomainError } from '../../domain/errors';
import { TRANSFER_STATUSES, type TransferStatus } from '../../domain/transfer';
import { Id, PageQuery } from '../schemas/common';

const DATE_OR_DATE_TIME =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$';

const Instant = (description: string) =>
  Type.String({ pattern: DATE_OR_DATE_TIME, maxLength: 40, description });

// A digit string, not an integer schema: the query coercion would silently truncate "10.5" to 10.
const AmountBound = (description: string) =>
  Type.String({ pattern: '^[0-9]{1,16}$', description: `${description} (a whole number)` });
const MAX_AMOUNT = 1_000_000_000_000_000n;

export const TransferListQuery = Type.Object(
  {
    ...PageQuery,
    accountId: Type.Optional(Id('Either side of the transfer')),
    status: Type.Optional(
      Type.Unsafe<TransferStatus>({ type: 'string', enum: [...TRANSFER_STATUSES] }),
    ),
    createdFrom: Type.Optional(
      Instant('Created at or after: YYYY-MM-DD (start of that UTC day) or an ISO 8601 date-time'),
    ),
    createdTo: Type.Optional(
      Instant('Created at or before: YYYY-MM-DD (the whole UTC day) or an ISO 8601 date-time'),
    ),
    minAmount: Type.Optional(AmountBound('Smallest amount, minor units, inclusive')),
    maxAmount: Type.Optional(AmountBound('Largest amount, minor units, inclusive')),
    counterparty: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'Fragment of the other side’s account number or holder name (case-insensitive)',
      }),
    ),
  },
  { additionalProperties: false },
);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function invalid(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, { field });
}

/** A date-only value must be a real calendar day (no 2026-02-31 rolling into March). */
function parseInstant(field: string, value: string): { at: Date; dateOnly: boolean } {
  const dateOnly = DATE_ONLY.test(value);
  const at = new Date(dateOnly ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(at.getTime()) || (dateOnly && at.toISOString().slice(0, 10) !== value)) {
    throw invalid(field, `${field} is not a valid date`);
  }
  return { at, dateOnly };
}

type HistoryFilters = Pick<
  ListTransfersQuery,
  'createdFrom' | 'createdTo' | 'createdBefore' | 'minAmount' | 'maxAmount' | 'counterparty'
>;

export function parseHistoryFilters(q: {
  createdFrom?: string;
  createdTo?: string;
  minAmount?: string;
  maxAmount?: string;
  counterparty?: string;
}): HistoryFilters {
  const out: HistoryFilters = {};
  let lower: Date | undefined;
  let upperExclusive: Date | undefined;
  if (q.createdFrom !== undefined) {
    lower = parseInstant('createdFrom', q.createdFrom).at;
    out.createdFrom = lower;
  }
  if (q.createdTo !== undefined) {
    const { at, dateOnly } = parseInstant('createdTo', q.createdTo);
    if (dateOnly) {
      // The whole day: everything before the next midnight (timestamps carry microseconds).
      upperExclusive = new Date(at.getTime() + 86_400_000);
      out.createdBefore = upperExclusive;
    } else {
      upperExclusive = new Date(at.getTime() + 1);
      out.createdTo = at;
    }
  }
  if (lower && upperExclusive && lower.getTime() >= upperExclusive.getTime()) {
    throw invalid('createdTo', 'createdTo must not be before createdFrom');
  }
  for (const field of ['minAmount', 'maxAmount'] as const) {
    const v = q[field];
    if (v === undefined) continue;
    if (!/^\d{1,16}$/.test(v) || BigInt(v) > MAX_AMOUNT) {
      throw invalid(field, `${field} must be a whole number of minor units`);
    }
    out[field] = BigInt(v);
  }
  if (out.minAmount !== undefined && out.maxAmount !== undefined && out.minAmount > out.maxAmount) {
    throw invalid('maxAmount', 'maxAmount must not be below minAmount');
  }
  const counterparty = q.counterparty?.trim();
  if (q.counterparty !== undefined && !counterparty) {
    throw invalid('counterparty', 'counterparty must not be blank');
  }
  if (counterparty) out.counterparty = counterparty;
  return out;
}
