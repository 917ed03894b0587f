/**
 * Business errors cross the activity → workflow boundary as non-retryable ApplicationFailures
 * whose `type` is the ErrorCode, so workflows branch on codes, never on messages.
 * Anything else (network, Postgres down) stays retryable and is retried by Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';
import { isDomainError } from '../../domain/errors';

export function toActivityFailure(err: unknown): unknown {
  if (isDomainError(err)) {
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: true,
      details: [err.details],
    });
  }
  return err;
}

/** Wraps every function of an activity object so DomainErrors become typed failures. */
export function withDomainFailures<
  T extends Record<string, (...args: never[]) => Promise<unknown>>,
>(activities: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toActivityFailure(err);
      }
    };
  }
  return wrapped as T;
}
