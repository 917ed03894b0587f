/**
 * Rate limits with @fastify/rate-limit, counted in Redis so every API process shares them.
 * - Every route: per user (per IP when anonymous), RATE_LIMIT_PER_MINUTE (default 100/min).
 * - Routes that set `config.rateLimit = authRateLimit(app)` (auth routes): per IP, per route,
 *   AUTH_RATE_LIMIT_PER_MINUTE (default 10/min).
 * - A 429 carries Retry-After and x-ratelimit-limit/-remaining/-reset, body code RATE_LIMITED.
 * Runs in onRequest after the access hook, so `request.principal` is known.
 */
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../domain/errors';

function userOrIp(request: FastifyRequest): string {
  return request.principal ? `u:${request.principal.userId}` : `ip:${request.ip}`;
}

/** Per-IP, tighter limit for the auth routes. */
export function authRateLimit(app: FastifyInstance): RateLimitOptions {
  return {
    max: app.appOptions.authRateLimitPerMinute ?? app.deps.config.AUTH_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => `ip:${request.ip}`,
  };
}

async function rateLimitPlugin(app: FastifyInstance) {
  await app.register(rateLimit, {
    global: true,
    max: app.appOptions.rateLimitPerMinute ?? app.deps.config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    redis: app.deps.redis,
    nameSpace: `${app.appOptions.redisPrefix}rl:`,
    keyGenerator: userOrIp,
    // If Redis is briefly unreachable, serve rather than fail every request.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new DomainError('RATE_LIMITED', `Rate limit exceeded, retry in ${context.after}`, {
          limit: context.max,
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        }),
        { statusCode: 429 },
      ),
  });
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['access'] });
