/**
 * Every error a client or a workflow can act on has a stable machine-readable code.
 * The HTTP status lives here too, so the API maps errors in one place.
 */
export const ERROR_CODES = {
  // input
  VALIDATION_FAILED: 400,
  INVALID_AMOUNT: 400,
  UNSUPPORTED_CURRENCY: 400,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  WEAK_PASSWORD: 400,
  INVALID_DOCUMENT: 400,
  // auth
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  MFA_REQUIRED: 401,
  INVALID_TOTP: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  KYC_REQUIRED: 403,
  ACCOUNT_LOCKED: 423,
  // lookups
  NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  TRANSFER_NOT_FOUND: 404,
  PENDING_TRANSFER_NOT_FOUND: 404,
  // conflicts and state
  EMAIL_TAKEN: 409,
  REQUEST_IN_PROGRESS: 409,
  CANNOT_CANCEL: 409,
  INVALID_STATE: 409,
  TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS: 409,
  PENDING_TRANSFER_ALREADY_RESOLVED: 409,
  PENDING_TRANSFER_EXPIRED: 409,
  HOLD_ALREADY_VOIDED: 409,
  ACCOUNT_NOT_EMPTY: 409,
  ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS: 409,
  ACCOUNT_NUMBER_TAKEN: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  // business rules
  INSUFFICIENT_FUNDS: 422,
  CURRENCY_MISMATCH: 422,
  ACCOUNT_FROZEN: 422,
  ACCOUNT_CLOSED: 422,
  ACCOUNT_NOT_ACTIVE: 422,
  SAME_ACCOUNT: 422,
  FRAUD_BLOCKED: 422,
  REVIEW_REJECTED: 422,
  REVIEW_TIMED_OUT: 422,
  EXCEEDS_PENDING_AMOUNT: 422,
  // limits
  RATE_LIMITED: 429,
  // infrastructure
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/**
 * A business error. Its `name` is the code's class so Temporal's ApplicationFailure can carry it
 * across the activity/workflow boundary (see `toApplicationFailureType`).
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof Error && err.name === 'DomainError' && 'code' in err;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
