/**
 * Authentication and authorization for every route, driven by `config.access` (see api/types.ts):
 * - JWT access tokens (HS256 only, 15 min; claims sub, roles, customerId), verified in onRequest.
 * - Roles checked in onRequest: a wrong role is 403 FORBIDDEN. `ops` implies `support`.
 * - Resource ownership checked in preValidation, before the body is even parsed: a customer
 *   asking for someone else's resource gets the same 404 as for a missing one.
 * - The route table: every route is recorded (the authorization-matrix test is generated from
 *   it), and each /api/v1 route must declare access, tags and a summary, or registration fails.
 *   Its error responses (401/403/404/429/…) are added to the schema so OpenAPI documents them.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, type ErrorCode } from '../../domain/errors';
import { USER_ROLES } from '../../db/schema/auth';
import { errors } from '../schemas/common';
import type { Access, OwnerResolver, Principal, ResourceKind, Role } from '../types';

export const API_PREFIX = '/api/v1';

const BEARER = /^Bearer +([^\s]+)$/i;

const NOT_FOUND_CODE: Partial<Record<ResourceKind, ErrorCode>> = {
  account: 'ACCOUNT_NOT_FOUND',
  transfer: 'TRANSFER_NOT_FOUND',
};

export interface AccessTokenClaims {
  sub: string;
  roles: Role[];
  customerId: string | null;
}

export function effectiveRoles(roles: readonly Role[]): Set<Role> {
  const set = new Set(roles);
  if (set.has('ops')) set.add('support');
  return set;
}

/** Support and ops see every customer's resources. */
export function isStaff(p: Principal): boolean {
  const roles = effectiveRoles(p.roles);
  return roles.has('support');
}

/** The principal of an authenticated route (set by onRequest). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('UNAUTHORIZED', 'Authentication required');
  return request.principal;
}

/**
 * The customer whose data a caller may see: their own for customers, `undefined` (everyone) for
 * staff. Use it to scope list queries.
 */
export function customerScope(request: FastifyRequest): string | undefined {
  const p = principalOf(request);
  if (isStaff(p)) return undefined;
  // A customer-role user without a customer sees nothing: scope to an id that cannot match.
  return p.customerId ?? '__none__';
}

function isPublic(access: Access): access is { public: true } {
  return 'public' in access && access.public === true;
}

function parseClaims(decoded: unknown): Principal | null {
  if (!decoded || typeof decoded !== 'object') return null;
  const c = decoded as Partial<AccessTokenClaims> & { typ?: string };
  if (typeof c.sub !== 'string' || !Array.isArray(c.roles) || c.typ !== 'access') return null;
  const roles = c.roles.filter((r): r is Role => (USER_ROLES as readonly string[]).includes(r));
  return {
    userId: c.sub,
    roles,
    customerId: typeof c.customerId === 'string' ? c.customerId : null,
  };
}

function augmentSchema(route: RouteOptions, access: Access) {
  const schema = (route.schema ??= {});
  const response = (schema.response ??= {}) as Record<string | number, unknown>;
  const statuses: number[] = [429];
  if (schema.body || schema.querystring || schema.params || route.config?.idempotency)
    statuses.push(400);
  if (!isPublic(access)) {
    statuses.push(401, 403);
    if (access.resource) statuses.push(404);
  }
  if (route.config?.idempotency) statuses.push(409, 422);
  for (const [status, s] of Object.entries(errors(...statuses))) {
    if (!(status in response)) response[status] = s;
  }
  if (!isPublic(access)) {
    (schema as Record<string, unknown>).security ??= [{ bearerAuth: [] }];
  }
}

async function accessPlugin(app: FastifyInstance) {
  const { config } = app.deps;
  await app.register(fastifyJwt, {
    secret: config.JWT_SECRET,
    sign: { algorithm: 'HS256', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS },
    verify: { algorithms: ['HS256'] },
  });

  const resolvers = new Map<ResourceKind, OwnerResolver>();
  app.decorate('registerOwnerResolver', (kind: ResourceKind, resolve: OwnerResolver) => {
    resolvers.set(kind, resolve);
  });
  app.decorate('routeTable', []);
  app.decorateRequest('principal', null);
  app.decorateRequest('resource', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'HEAD')) return;
    const access = route.config?.access;
    const inApi = route.url.startsWith(API_PREFIX);
    if (inApi) {
      if (!access)
        throw new Error(`Route ${methods.join(',')} ${route.url} must declare config.access`);
      const schema = route.schema as { tags?: string[]; summary?: string } | undefined;
      if (!schema?.tags?.length || !schema.summary) {
        throw new Error(
          `Route ${methods.join(',')} ${route.url} must declare schema.tags and schema.summary`,
        );
      }
      augmentSchema(route, access);
    }
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({
        method,
        url: route.url,
        access,
        idempotency: route.config?.idempotency === true,
        tags: (route.schema as { tags?: string[] } | undefined)?.tags ?? [],
        summary: (route.schema as { summary?: string } | undefined)?.summary,
      });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || isPublic(access)) return;
    // The verifier directly (synchronous for an HS256 secret): request.jwtVerify() decodes the
    // token twice and runs a callback waterfall, a measurable cost on every request.
    const bearer = BEARER.exec(request.headers.authorization ?? '');
    let decoded: unknown;
    try {
      decoded = bearer ? app.jwt.verify(bearer[1]!) : undefined;
    } catch {
      decoded = undefined;
    }
    const principal = parseClaims(decoded);
    if (!principal) throw new DomainError('UNAUTHORIZED', 'A valid access token is required');
    request.principal = principal;
    const have = effectiveRoles(principal.roles);
    if (!access.roles.some((r) => have.has(r))) {
      throw new DomainError('FORBIDDEN', 'Your role may not do this');
    }
  });

  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || isPublic(access) || !access.resource) return;
    const { kind, param = 'id' } = access.resource;
    const id = (request.params as Record<string, string | undefined>)[param];
    // Built only when thrown: an error captures a stack trace, which costs on every request.
    const notFound = () =>
      new DomainError(NOT_FOUND_CODE[kind] ?? 'NOT_FOUND', `No such ${kind}`, { id });
    if (!id) throw notFound();
    const resolve = resolvers.get(kind);
    if (!resolve) throw new Error(`No owner resolver registered for resource kind "${kind}"`);
    const resolved = await resolve(id);
    if (resolved === undefined) throw notFound();
    const owner = typeof resolved === 'object' && resolved !== null ? resolved.owner : resolved;
    const principal = principalOf(request);
    if (!isStaff(principal) && (owner === null || owner !== principal.customerId)) throw notFound();
    if (typeof resolved === 'object' && resolved !== null) request.resource = resolved.row;
  });
}

export default fp(accessPlugin, { name: 'access', dependencies: ['errors'] });
