/**
 * Idempotency-Key for creating POSTs. Opt in per route with `config: { idempotency: true }`.
 *
 * - No header → 400 IDEMPOTENCY_KEY_REQUIRED.
 * - First use: the key is claimed in Redis (SET NX, short in-flight TTL), the handler runs, and
 *   its status + body are stored for 25 h (5xx answers release the key so the client can retry).
 * - Same key, same request → the stored status and body, with `Idempotent-Replayed: true`.
 * - Same key, different body (or route) → 422 IDEMPOTENCY_KEY_REUSED.
 * - Same key while the first is still running → 409 REQUEST_IN_PROGRESS.
 * Keys are scoped per user (per IP for anonymous routes). Runs in preHandler: after auth and
 * schema validation, so invalid requests never consume a key.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../domain/errors';
import { canonicalJson, sha256Hex } from '../lib/crypto';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

interface InFlight {
  state: 'in_flight';
  fingerprint: string;
}
interface Done {
  state: 'done';
  fingerprint: string;
  status: number;
  body: string;
  contentType?: string;
  location?: string;
}
type StoredRecord = InFlight | Done;

interface Claim {
  redisKey: string;
  fingerprint: string;
}

const claims = new WeakMap<FastifyRequest, Claim>();

async function idempotencyPlugin(app: FastifyInstance) {
  const { redis } = app.deps;
  const ttlSeconds = app.appOptions.idempotency?.ttlSeconds ?? 25 * 3600;
  const inFlightSeconds = app.appOptions.idempotency?.inFlightSeconds ?? 60;
  const prefix = `${app.appOptions.redisPrefix}idem:`;

  // Document the header on every idempotent route.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotency) return;
    const schema = (route.schema ??= {}) as Record<string, unknown>;
    const headers = (schema.headers ??= { type: 'object', properties: {} }) as {
      properties?: Record<string, unknown>;
    };
    headers.properties ??= {};
    headers.properties[IDEMPOTENCY_HEADER] = {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'Required. Retrying with the same key returns the first response.',
    };
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config?.idempotency) return;
    const raw = request.headers[IDEMPOTENCY_HEADER];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || key.length > 255) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REQUIRED',
        'An Idempotency-Key header (1–255 characters) is required',
      );
    }
    const scope = request.principal ? `u:${request.principal.userId}` : `ip:${request.ip}`;
    const redisKey = `${prefix}${scope}:${sha256Hex(key)}`;
    const fingerprint = sha256Hex(
      canonicalJson({
        method: request.method,
        route: request.routeOptions.url,
        params: request.params ?? null,
        body: request.body ?? null,
      }),
    );

    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await redis.set(
        redisKey,
        JSON.stringify({ state: 'in_flight', fingerprint } satisfies InFlight),
        'EX',
        inFlightSeconds,
        'NX',
      );
      if (claimed === 'OK') {
        claims.set(request, { redisKey, fingerprint });
        return;
      }
      const existing = await redis.get(redisKey);
      if (existing === null) continue; // expired in between: try to claim again
      const record = JSON.parse(existing) as StoredRecord;
      if (record.fingerprint !== fingerprint) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (record.state === 'in_flight') {
        throw new DomainError(
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still in progress',
        );
      }
      reply.code(record.status).header(REPLAYED_HEADER, 'true');
      if (record.contentType) reply.header('content-type', record.contentType);
      if (record.location) reply.header('location', record.location);
      return reply.send(record.body);
    }
    throw new DomainError(
      'REQUEST_IN_PROGRESS',
      'A request with this Idempotency-Key is still in progress',
    );
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await redis.del(claim.redisKey);
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    const location = reply.getHeader('location');
    const record: Done = {
      state: 'done',
      fingerprint: claim.fingerprint,
      status: reply.statusCode,
      body: payload,
      ...(typeof contentType === 'string' ? { contentType } : {}),
      ...(typeof location === 'string' ? { location } : {}),
    };
    await redis.set(claim.redisKey, JSON.stringify(record), 'EX', ttlSeconds);
    return payload;
  });
}

export default fp(idempotencyPlugin, { name: 'idempotency', dependencies: ['access'] });
