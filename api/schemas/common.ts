/**
 * Shared TypeBox schemas: the error body, money, ids, pagination, and `errors(...)` to document
 * a route's error responses in one line.
 */
import { Type, type TSchema } from 'typebox';
import { CURRENCY_CODES } from '../../domain/money';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code (domain/errors.ts)' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { description: 'Every error has this shape.' },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (VALIDATION_FAILED, INVALID_AMOUNT, UNSUPPORTED_CURRENCY, IDEMPOTENCY_KEY_REQUIRED, …)',
  401: 'Missing, invalid or expired credentials (UNAUTHORIZED, INVALID_CREDENTIALS, MFA_REQUIRED, …)',
  403: 'The caller’s role may not do this (FORBIDDEN, KYC_REQUIRED)',
  404: 'Not found, or not yours (NOT_FOUND, ACCOUNT_NOT_FOUND, TRANSFER_NOT_FOUND)',
  409: 'Conflicts with the current state (EMAIL_TAKEN, REQUEST_IN_PROGRESS, CANNOT_CANCEL, INVALID_STATE)',
  422: 'A business rule refused it (INSUFFICIENT_FUNDS, IDEMPOTENCY_KEY_REUSED, ACCOUNT_FROZEN, …)',
  423: 'Locked after repeated failed logins (ACCOUNT_LOCKED)',
  429: 'Rate limited (RATE_LIMITED); see Retry-After',
  503: 'A dependency is unavailable (DEPENDENCY_UNAVAILABLE)',
};

/** Error responses a route documents. 400/401/429 are added for every non-public route by default. */
export function errors<S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  const out = {} as Record<S, typeof ErrorBody>;
  for (const s of statuses) {
    out[s] = Type.Object(ErrorBody.properties, { description: ERROR_DESCRIPTIONS[s] ?? 'Error' });
  }
  return out;
}

export const Currency = Type.Unsafe<string>({
  type: 'string',
  enum: CURRENCY_CODES,
  description: 'ISO 4217 currency code',
});

/** A strictly positive integer amount of minor units (max 10^15, a safe integer). */
export const PositiveAmount = Type.Integer({
  minimum: 1,
  maximum: 1_000_000_000_000_000,
  description: 'Amount in minor units (e.g. cents), a positive integer',
});

/** A signed integer of minor units, as returned in balances and entries. */
export const MinorAmount = Type.Integer({ description: 'Minor units (e.g. cents)' });

export const Id = (description = 'Opaque id') =>
  Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_:-]+$', description });

export const IdParams = Type.Object({ id: Id() }, { additionalProperties: false });

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1–100' }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque cursor from `nextCursor`' }),
  ),
};

export function Page<T extends TSchema>(item: T, description?: string) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { description },
  );
}

export const Reason = Type.String({
  minLength: 3,
  maxLength: 500,
  description: 'Why (kept in the audit log)',
});
export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Required: makes the request safe to retry',
    }),
  ),
});

export const Timestamp = Type.String({ format: 'date-time' });
