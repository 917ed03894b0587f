/**
 * OpenAPI 3.1 generated from the route schemas (@fastify/swagger), served at
 * /api/v1/openapi.json, with Swagger UI at /docs. Register before any route.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const OPENAPI_PATH = '/api/v1/openapi.json';

async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Harbor Bank API',
        version: '1.0.0',
        description:
          'Every error is `{"error": {"code", "message", "details"}}`. Creating POSTs need an ' +
          '`Idempotency-Key` header. Lists paginate with `limit` (1–100) and `cursor` → `{items, nextCursor}`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      tags: [
        { name: 'auth', description: 'Registration, login, tokens, MFA' },
        { name: 'accounts', description: 'Accounts, balances, entries, statements' },
        { name: 'transfers', description: 'Money transfers between accounts' },
        { name: 'support', description: 'Support console: transfer queue and actions, audit' },
        { name: 'ops', description: 'Operations: deposits, ledger checks, user roles' },
        { name: 'system', description: 'Liveness, readiness, metrics' },
      ],
    },
  });
  if (app.appOptions.docs !== false) {
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  }
}

export default fp(openapiPlugin, { name: 'openapi' });
