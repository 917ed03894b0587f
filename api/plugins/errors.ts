/**
 * One error shape for every response: `{ error: { code, message, details } }`.
 * - DomainError → its code's status (domain/errors.ts).
 * - Schema validation → 400 VALIDATION_FAILED with the failing paths.
 * - Fastify's own 4xx (bad JSON, wrong content type, too large) → 4xx with a code.
 * - A dependency that is down (Postgres, Redis, Temporal unreachable) → 503 DEPENDENCY_UNAVAILABLE.
 * - Anything else is a bug: 500 INTERNAL with a generic message; the details go to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, httpStatusFor, isDomainError, type ErrorCode } from '../../domain/errors';
import { isDependencyUnavailable } from './dependency-errors';

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return {
    error: { code, message, ...(details && Object.keys(details).length ? { details } : {}) },
  };
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'INVALID_STATE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'DEPENDENCY_UNAVAILABLE',
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function validationDetails(error: FastifyError): Record<string, unknown> {
  const issues = (error.validation ?? []) as ValidationIssue[];
  return {
    in: error.validationContext,
    issues: issues.slice(0, 20).map((i) => ({
      path: i.instancePath || '/',
      message: i.message ?? 'invalid',
      ...(i.params && 'additionalProperty' in i.params
        ? { field: String(i.params.additionalProperty) }
        : i.params && 'additionalProperties' in i.params
          ? { fields: i.params.additionalProperties }
          : {}),
    })),
  };
}

/** Sends a DomainError in the standard shape (also used by hooks that reply directly). */
export function sendDomainError(reply: FastifyReply, err: DomainError) {
  return reply.code(httpStatusFor(err.code)).send(errorBody(err.code, err.message, err.details));
}

export function apiError(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError(code, message, details);
}

/**
 * Errors the router raises before any route or hook runs (a malformed URL, a path parameter
 * longer than the router's limit): Fastify's `frameworkErrors` option. Both are bad input, so
 * they get the standard shape and a 400 (documented on every route with parameters) instead of
 * Fastify's own body and its undocumented 414.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path parameter is too long'
      : 'The URL is not valid';
  void reply.code(400).send(errorBody('VALIDATION_FAILED', message, { in: 'params' }));
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isDomainError(error)) {
      const status = httpStatusFor(error.code);
      if (status >= 500) request.log.error({ err: error }, 'dependency error');
      return reply.code(status).send(errorBody(error.code, error.message, error.details));
    }
    if (error.validation) {
      const ctx = error.validationContext ?? 'request';
      return reply
        .code(400)
        .send(
          errorBody(
            'VALIDATION_FAILED',
            `Invalid ${ctx}: ${error.message}`,
            validationDetails(error),
          ),
        );
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = (status === 429 && 'RATE_LIMITED') || CODE_FOR_STATUS[status] || 'BAD_REQUEST';
      return reply.code(status).send(errorBody(code, error.message));
    }
    if (isDependencyUnavailable(error)) {
      request.log.error({ err: error }, 'dependency unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send(errorBody('DEPENDENCY_UNAVAILABLE', 'A service is temporarily unavailable; retry'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody('NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`),
      ),
  );
}

export default fp(errorsPlugin, { name: 'errors' });
