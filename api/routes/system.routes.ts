/**
 * System routes (outside /api/v1): liveness, readiness of every dependency, Prometheus metrics,
 * and the OpenAPI document at /api/v1/openapi.json.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import type { Admin } from 'kafkajs';
import { Type } from 'typebox';
import { errors } from '../schemas/common';
import { OPENAPI_PATH } from '../plugins/openapi';

const CHECK_TIMEOUT_MS = 2000;
type CheckResult = 'up' | 'down';

function withTimeout<T>(p: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const Checks = Type.Object({
  postgres: Type.String(),
  redis: Type.String(),
  kafka: Type.String(),
  temporal: Type.String(),
});

const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { database, redis, kafka, temporal } = app.deps;
  let admin: Admin | undefined;
  let openapiJson: string | undefined;

  app.addHook('onClose', async () => {
    await admin?.disconnect().catch(() => undefined);
  });

  const checks: Record<keyof typeof Checks.properties, () => Promise<unknown>> = {
    postgres: () => database.db.execute(sql`select 1`),
    redis: () => redis.ping(),
    kafka: async () => {
      if (!kafka) throw new Error('not configured');
      if (!admin) {
        const a = kafka.admin();
        await a.connect();
        admin = a;
      }
      try {
        await admin.describeCluster();
      } catch (err) {
        const stale = admin;
        admin = undefined;
        await stale.disconnect().catch(() => undefined);
        throw err;
      }
    },
    temporal: async () => {
      if (!temporal) throw new Error('not configured');
      const client = await temporal();
      await client.workflowService.getSystemInfo({});
    },
  };

  app.get(
    '/health',
    {
      config: { access: { public: true }, rateLimit: false },
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: { public: true }, rateLimit: false },
      schema: {
        tags: ['system'],
        summary: 'Readiness: Postgres, Redis, Kafka and Temporal all answer',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Checks }),
          ...errors(503),
        },
      },
    },
    async (request, reply) => {
      const names = Object.keys(checks) as (keyof typeof checks)[];
      const results = await Promise.all(
        names.map(async (name): Promise<[string, CheckResult]> => {
          try {
            await withTimeout(checks[name]());
            return [name, 'up'];
          } catch (err) {
            request.log.warn(
              { check: name, err: (err as Error).message },
              'readiness check failed',
            );
            return [name, 'down'];
          }
        }),
      );
      const status = Object.fromEntries(results) as Record<keyof typeof checks, CheckResult>;
      const failing = names.filter((n) => status[n] !== 'up');
      if (failing.length) {
        return reply.code(503).send({
          error: {
            code: 'DEPENDENCY_UNAVAILABLE',
            message: `Not ready: ${failing.join(', ')} unavailable`,
            details: { failing, checks: status },
          },
        });
      }
      return { status: 'ready' as const, checks: status };
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: { public: true }, rateLimit: false },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics',
        produces: ['text/plain'],
        response: { 200: Type.String() },
      },
    },
    async (_request, reply) => {
      reply.type(app.metrics.contentType);
      return app.metrics.metrics();
    },
  );

  app.get(
    OPENAPI_PATH,
    {
      config: { access: { public: true } },
      schema: { tags: ['system'], summary: 'This API’s OpenAPI 3.1 document', hide: true },
    },
    // Serialised once: the document is ~100s of KB and never changes while the process runs.
    async (_request, reply) => {
      openapiJson ??= JSON.stringify(app.swagger());
      return reply.type('application/json; charset=utf-8').send(openapiJson);
    },
  );
};

export default systemRoutes;
