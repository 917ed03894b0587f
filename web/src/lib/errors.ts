/** The API's one error shape, and the plain words a customer sees for each code. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

const PLAIN_WORDS: Record<string, string> = {
  INSUFFICIENT_FUNDS:
    "There isn't enough available money in this account for this transfer. Nothing was moved.",
  ACCOUNT_FROZEN:
    'This account is frozen, so money cannot leave it right now. Please contact support.',
  AWAITING_REVIEW:
    'This transfer is being reviewed by our team. You will be notified as soon as it is decided.',
  ACCOUNT_CLOSED: 'This account is closed and cannot send or receive money.',
  ACCOUNT_NOT_ACTIVE: 'This account is not active yet. Try again in a moment.',
  ACCOUNT_NOT_FOUND: "We couldn't find that account. Check the account number and try again.",
  CURRENCY_MISMATCH: 'Both accounts must use the same currency.',
  SAME_ACCOUNT: 'Choose a different account to send to.',
  FRAUD_BLOCKED: 'For your security this transfer was blocked. Please contact support.',
  REVIEW_REJECTED: 'Our team reviewed this transfer and declined it. No money was moved.',
  REVIEW_TIMED_OUT: 'The review of this transfer took too long, so it was cancelled.',
  INVALID_AMOUNT: 'That amount is not valid.',
  UNSUPPORTED_CURRENCY: 'That currency is not supported.',
  KYC_REQUIRED: 'Please finish verifying your identity before opening an account.',
  INVALID_CREDENTIALS: 'That email and password do not match.',
  INVALID_TOTP: 'That code is not right. Codes change every 30 seconds; try the current one.',
  ACCOUNT_LOCKED: 'Too many attempts. Your sign-in is locked for a while; try again later.',
  EMAIL_TAKEN: 'An account with this email already exists. Try signing in instead.',
  WEAK_PASSWORD: 'Choose a stronger password.',
  CANNOT_CANCEL: 'This transfer can no longer be cancelled: the money is already being moved.',
  RATE_LIMITED: 'Too many requests. Please wait a moment and try again.',
  REQUEST_IN_PROGRESS: 'We are still processing your previous request. Please wait.',
  IDEMPOTENCY_KEY_REUSED:
    'This request changed while being retried. Please review and submit again.',
  DEPENDENCY_UNAVAILABLE: 'Part of our service is unavailable. Please try again shortly.',
  NETWORK: "We couldn't reach Harbor Bank. Check your connection and try again.",
  INTERNAL: 'Something went wrong on our side. Please try again.',
  FORBIDDEN: "You don't have access to this.",
  NOT_FOUND: "We couldn't find what you were looking for.",
};

export function plainMessage(err: unknown): string {
  if (isApiError(err)) {
    const words = PLAIN_WORDS[err.code];
    if (err.code === 'WEAK_PASSWORD' && err.message) return err.message;
    if (err.code === 'VALIDATION_FAILED' && err.message)
      return `Please check the form: ${err.message}`;
    return words ?? err.message ?? PLAIN_WORDS.INTERNAL!;
  }
  if (err instanceof Error && err.message) return err.message;
  return PLAIN_WORDS.INTERNAL!;
}

export function plainForCode(code: string): string | undefined {
  return PLAIN_WORDS[code];
}
