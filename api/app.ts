/**
 * The Fastify app, built from its dependencies (no globals): `buildApp(deps, options)`.
 *
 * ## How to add routes (other domains: read this)
 * 1. Create `api/routes/<domain>.routes.ts` exporting a `FastifyPluginAsyncTypebox` (default export).
 *    Paths inside are relative to /api/v1 (e.g. `app.post('/kyc', …)`).
 * 2. Add ONE line to `API_ROUTES` below.
 * 3. Every route declares (registration fails otherwise):
 *    - `config.access`: `{ public: true }` or `{ roles: ['customer', 'support', 'ops'], resource? }`.
 *      With `resource: { kind: 'schedule', param: 'id' }`, customers get 404 for anyone else's; register
 *      the owner lookup once: `app.registerOwnerResolver('schedule', async (id) => ownerCustomerId ?? undefined)`.
 *    - `schema.tags`, `schema.summary`, and a TypeBox schema for params/querystring/body (objects with
 *      `additionalProperties: false`) and each success response. 400/401/403/404/429 are documented
 *      for you; add others with `...errors(409, 422)` from api/schemas/common.ts.
 *    - Creating/moving POSTs: `config.idempotency: true` (Idempotency-Key handled for you).
 * 4. Throw `DomainError(code, message, details)`; the error handler maps it to `{error:{code,message,details}}`.
 *    Scope lists with `customerScope(request)`; the caller is `principalOf(request)` (api/plugins/access.ts).
 * 5. The authorization matrix (api/authz.matrix.test.ts) covers your route automatically; if your route
 *    uses a new resource kind, add its fixture there.
 * Details and examples: api/README.md.
 */
import { registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../platform/logger';
import accessPlugin, { API_PREFIX } from './plugins/access';
import errorsPlugin, { frameworkErrors } from './plugins/errors';
import idempotencyPlugin from './plugins/idempotency';
import observabilityPlugin from './plugins/observability';
import metricsPlugin from './plugins/metrics';
import openapiPlugin from './plugins/openapi';
import rateLimitPlugin from './plugins/rate-limit';
import securityPlugin from './plugins/security';
import resourcesPlugin from './plugins/resources';
import { validatorCompiler } from './lib/validator';
import accountsRoutes from './routes/accounts.routes';
import authRoutes from './routes/auth.routes';
import opsRoutes from './routes/ops.routes';
import supportRoutes from './routes/support.routes';
import systemRoutes from './routes/system.routes';
import transfersRoutes from './routes/transfers.routes';
import kycRoutes from './routes/kyc.routes';
import supportKycRoutes from './routes/support-kyc.routes';
import accountOpeningRoutes from './routes/account-opening.routes';
import scheduledPaymentsRoutes from './routes/scheduled-payments.routes';
import notificationsRoutes from './routes/notifications.routes';
import assistantRoutes from './routes/assistant.routes';
import fraudRulesRoutes from './routes/fraud-rules.routes';
import type { AppDeps, AppOptions } from './types';

registerAjvFormats();

/** Route plugins mounted under /api/v1. Add one line per domain. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const API_ROUTES: FastifyPluginAsync<any>[] = [
  authRoutes,
  accountsRoutes,
  transfersRoutes,
  supportRoutes,
  opsRoutes,
  kycRoutes,
  supportKycRoutes,
  accountOpeningRoutes,
  scheduledPaymentsRoutes,
  notificationsRoutes,
  assistantRoutes,
  fraudRulesRoutes,
];

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger({ level: deps.config.LOG_LEVEL, name: 'api' });
  const app = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    connectionTimeout: 30_000,
    requestTimeout: 60_000,
    keepAliveTimeout: 72_000,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
    trustProxy: process.env.TRUST_PROXY === 'true',
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  app.decorate('deps', deps);
  app.decorate('appOptions', { ...options, redisPrefix: options.redisPrefix ?? 'hb:' });

  await app.register(errorsPlugin);
  await app.register(securityPlugin);
  await app.register(metricsPlugin);
  await app.register(observabilityPlugin);
  await app.register(openapiPlugin);
  await app.register(accessPlugin);
  await app.register(rateLimitPlugin);
  await app.register(idempotencyPlugin);
  await app.register(resourcesPlugin);

  await app.register(systemRoutes);
  for (const routes of API_ROUTES) {
    await app.register(routes, { prefix: API_PREFIX });
  }
  await app.ready();
  return app as unknown as FastifyInstance;
}
