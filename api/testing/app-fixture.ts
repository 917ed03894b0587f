/**
 * Test fixture for the gateway: a real app on the per-run test database and real Redis, with a
 * random Redis prefix so concurrent runs never share rate-limit, idempotency or lockout state.
 *
 *   const t = await startTestApp();
 *   const alice = await t.customer();            // registered + logged in
 *   const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: alice.auth });
 *   await t.close();
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { buildApp } from '../app';
import { createDatabase, type Database } from '../../db/client';
import type { UserRole } from '../../db/schema/auth';
import { parseConfig, type Config } from '../../platform/config';
import { createKafka } from '../../platform/kafka';
import { createLogger, type Logger } from '../../platform/logger';
import { createRedis, type Redis } from '../../platform/redis';
import { createUser } from '../lib/users';
import type { AppDeps, AppOptions, TemporalProvider } from '../types';

export const TEST_PASSWORD = 'Correct-Horse-42';

export interface TestUser {
  id: string;
  email: string;
  customerId: string | null;
  roles: UserRole[];
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  database: Database;
  redis: Redis;
  prefix: string;
  /** Builds another app instance sharing the same services and Redis prefix (multi-instance tests). */
  another(options?: AppOptions): Promise<FastifyInstance>;
  user(roles: UserRole[], opts?: { email?: string }): Promise<TestUser>;
  customer(): Promise<TestUser>;
  support(): Promise<TestUser>;
  ops(): Promise<TestUser>;
  close(): Promise<void>;
}

/**
 * GET and POST under /api/v1 as a test user (POST with an optional Idempotency-Key). `app` is read
 * at call time, so a module-level `apiCalls(() => t)` works before beforeAll assigns `t`.
 */
export function apiCalls(app: () => TestApp) {
  return {
    get: (user: TestUser, url: string) =>
      app().app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user.auth }),
    post: (user: TestUser, url: string, payload: object, key?: string) =>
      app().app.inject({
        method: 'POST',
        url: `/api/v1${url}`,
        headers: { ...user.auth, ...(key ? { 'idempotency-key': key } : {}) },
        payload,
      }),
  };
}

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.test`;
}

/** A distinct fake client IP per test, so per-IP limits and lockouts never collide. */
export function fakeIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export async function startTestApp(
  options: AppOptions = {},
  extra: {
    temporal?: TemporalProvider;
    kafka?: Kafka;
    config?: Partial<Config>;
    /** The app's logger (default: silent); tests that read log lines pass a capturing one. */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const config: Config = { ...parseConfig(process.env), ...extra.config };
  const database = createDatabase(config.DATABASE_URL, { max: 4 });
  const redis = createRedis(config.REDIS_URL);
  const prefix = `test:${randomUUID().slice(0, 8)}:`;
  const deps: AppDeps = {
    config,
    database,
    redis,
    logger:
      extra.logger ?? createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'api-test' }),
    kafka: extra.kafka ?? createKafka(config.KAFKA_BROKERS, 'api-test', { retry: { retries: 0 } }),
    temporal: extra.temporal,
  };
  const merged: AppOptions = {
    docs: false,
    // Generous by default: tests that exercise the limits pass their own.
    rateLimitPerMinute: 10_000,
    authRateLimitPerMinute: 10_000,
    ...options,
    redisPrefix: prefix,
  };
  const app = await buildApp(deps, merged);
  const extraApps: FastifyInstance[] = [];

  async function user(roles: UserRole[], opts: { email?: string } = {}): Promise<TestUser> {
    const email = opts.email ?? uniqueEmail(roles[0]);
    const created = await createUser(database.db, {
      email,
      password: TEST_PASSWORD,
      fullName: 'Test User',
      roles,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: TEST_PASSWORD },
      remoteAddress: fakeIp(),
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    const tokens = res.json<{ accessToken: string; refreshToken: string }>();
    return {
      id: created.id,
      email,
      customerId: created.customerId,
      roles,
      ...tokens,
      auth: { authorization: `Bearer ${tokens.accessToken}` },
    };
  }

  return {
    app,
    config,
    database,
    redis,
    prefix,
    async another(opts: AppOptions = {}) {
      const other = await buildApp(deps, { ...merged, ...opts, redisPrefix: prefix });
      extraApps.push(other);
      return other;
    },
    user,
    customer: () => user(['customer']),
    support: () => user(['support']),
    ops: () => user(['ops']),
    async close() {
      for (const a of extraApps) await a.close();
      await app.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await database.close();
    },
  };
}

/** A customer ledger account (USD by default), optionally funded through the settlement account. */
export async function createTestAccount(
  db: Database['db'],
  customerId: string | null,
  opts: { currency?: string; fund?: bigint } = {},
): Promise<string> {
  const { createLedgerService } = await import('../../activities/ledger/ledger.service');
  const { newId } = await import('../lib/crypto');
  const ledger = createLedgerService(db);
  const id = newId('account');
  const currency = opts.currency ?? 'USD';
  await ledger.createAccount({ id, customerId, currency, kind: 'customer', type: 'CHECKING' });
  if (opts.fund) {
    await ledger.deposit({
      id: `test-fund:${id}`,
      accountId: id,
      amount: opts.fund,
      currency,
      reference: 'test',
    });
  }
  return id;
}

/** A row in the transfers read model (no workflow behind it): for read/authorization tests. */
export async function createTestTransferRow(
  db: Database['db'],
  input: {
    customerId: string;
    fromAccountId: string;
    toAccountId: string;
    status?: string;
    createdAt?: Date;
  },
): Promise<string> {
  const { transfers } = await import('../../db/schema/transfers');
  const { newId } = await import('../lib/crypto');
  const id = newId('transfer');
  const status = (input.status ?? 'COMPLETED') as 'COMPLETED';
  const at = input.createdAt ?? new Date();
  await db.insert(transfers).values({
    id,
    workflowId: `transfer-${id}`,
    customerId: input.customerId,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    amount: 1234n,
    currency: 'USD',
    memo: 'fixture',
    status,
    timeline: [
      { status: 'PENDING', at: at.toISOString() },
      { status, at: at.toISOString() },
    ],
    version: 2,
    createdAt: at,
    updatedAt: at,
  });
  return id;
}
