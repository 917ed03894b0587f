/**
 * Types shared by the gateway's plugins and routes, and the Fastify augmentations that make
 * `config.access`, `config.idempotency` and `request.principal` typed everywhere.
 */
import type { Client as TemporalClient } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { Database } from '../db/client';
import type { UserRole } from '../db/schema/auth';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { Redis } from '../platform/redis';

export type Role = UserRole;

/** Who is calling, from a verified access token. */
export interface Principal {
  userId: string;
  roles: Role[];
  /** Set for customers: the customer they act for. */
  customerId: string | null;
}

/**
 * Resource kinds a route can be scoped to. A resource route names the param that holds the id;
 * the access plugin resolves the owner before validation and answers 404 to anyone else's.
 */
export type ResourceKind =
  'account' | 'transfer' | 'schedule' | 'customer' | 'user' | 'notification' | 'fraudRule';

export interface ResourceRef {
  kind: ResourceKind;
  /** Route param holding the id (default `id`). */
  param?: string;
}

/**
 * Every /api/v1 route declares its access in `config.access` (registration fails otherwise):
 * - `{ public: true }`: no token needed (register, login, refresh…)
 * - `{ roles: [...] }`: a valid access token with one of these roles (`ops` implies `support`)
 * - `resource`: customers may only reach their own (someone else's answers 404, never 403);
 *   support and ops reach any.
 */
export type Access = { public: true } | { roles: readonly Role[]; resource?: ResourceRef };

/** Resolves a resource id to its owning customer id; `undefined` when it does not exist. */
/**
 * The owner of a resource (null: the bank's own; undefined: no such resource), or the owner with
 * the row that was read to find it, kept on the request (`request.resource`) so the handler need
 * not read it again.
 */
export type OwnerResolver = (
  id: string,
) => Promise<string | null | undefined | { owner: string | null; row: unknown }>;

/** Temporal may connect after the API starts; routes ask for it when they need it. */
export type TemporalProvider = () => Promise<TemporalClient>;

export interface AppDeps {
  config: Config;
  database: Database;
  redis: Redis;
  logger?: Logger;
  /** Lazily connected Temporal client (used by transfer/support routes and /ready). */
  temporal?: TemporalProvider;
  /** For /ready. */
  kafka?: Kafka;
}

export interface AppOptions {
  /** Redis key prefix for rate limits, idempotency and lockout counters (tests use a random one). */
  redisPrefix?: string;
  /** Overrides config.RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number;
  /** Overrides config.AUTH_RATE_LIMIT_PER_MINUTE. */
  authRateLimitPerMinute?: number;
  /** Failed logins before an account locks (default 5) and for how long (default 900 s). */
  lockout?: {
    maxFailures?: number;
    lockSeconds?: number;
    maxIpFailures?: number;
    ipWindowSeconds?: number;
  };
  /** How long idempotency records live (default 25 h) and the in-flight lock (default 60 s). */
  idempotency?: { ttlSeconds?: number; inFlightSeconds?: number };
  /** Serve Swagger UI at /docs (default true). */
  docs?: boolean;
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  idempotency: boolean;
  tags: string[];
  summary: string | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Requires and honours an `Idempotency-Key` header (creating/moving POSTs). */
    idempotency?: boolean;
  }
  interface FastifyRequest {
    /** Set by the access plugin on every authenticated route. */
    principal: Principal | null;
    /** The row the access check read for `config.access.resource` (see OwnerResolver). */
    resource: unknown;
  }
  interface FastifyInstance {
    deps: AppDeps;
    appOptions: Required<Pick<AppOptions, 'redisPrefix'>> & AppOptions;
    /** Every route registered, with its access config: the authorization matrix is built from it. */
    routeTable: RouteInfo[];
    /** Register who owns a resource kind, for `config.access.resource`. */
    registerOwnerResolver(kind: ResourceKind, resolve: OwnerResolver): void;
  }
}
