/**
 * No secrets in the logs. A full customer journey runs through the real app and a real worker
 * (Postgres, Redis, Kafka, Temporal) with every pino line of the API and of the activities
 * captured at `trace` level: register, login with password, MFA setup + enable, login with TOTP,
 * refresh, KYC with documents and a national id, account opening, a deposit, a transfer, logout.
 * Then the captured text is searched for each secret value the journey handled: the password, the
 * national id, every access and refresh token, the TOTP secret, the database password, the JWT
 * secret and the data encryption key. None may appear.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { generateSync } from 'otplib';
import { createActivities } from '../../activities';
import { buildApp } from '../../api/app';
import { createUser } from '../../api/lib/users';
import { fakeIp } from '../../api/testing/app-fixture';
import { createDatabase, type Database } from '../../db/client';
import { parseConfig, type Config } from '../../platform/config';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { createRedis, type Redis } from '../../platform/redis';
import { uniqueTaskQueue, withWorker, workflowEnv } from '../harness';
import { expectLedgerBalanced } from '../ledger';
import { pdfBytes, pngBytes } from '../onboarding.fixtures';

jest.setTimeout(300_000);

/** Every line written by the loggers under test. */
const captured: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    captured.push(chunk.toString('utf8'));
    done();
  },
});

let env: TestWorkflowEnvironment;
let config: Config;
let database: Database;
let redis: Redis;
let producer: Producer;
let app: FastifyInstance;
const taskQueue = uniqueTaskQueue('logs');
const ip = fakeIp();

beforeAll(async () => {
  env = await workflowEnv('existing');
  config = { ...parseConfig(process.env), TEMPORAL_TASK_QUEUE: taskQueue };
  database = createDatabase(config.DATABASE_URL, { max: 4 });
  redis = createRedis(config.REDIS_URL);
  producer = createKafka(config.KAFKA_BROKERS, 'logs-test').producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  app = await buildApp(
    {
      config,
      database,
      redis,
      kafka: createKafka(config.KAFKA_BROKERS, 'logs-test-api', { retry: { retries: 0 } }),
      temporal: async () => env.client,
      logger: createLogger({ level: 'trace', name: 'api', destination: sink }),
    },
    {
      docs: false,
      redisPrefix: `test:${randomUUID().slice(0, 8)}:`,
      rateLimitPerMinute: 10_000,
      authRateLimitPerMinute: 10_000,
    },
  );
});

afterAll(async () => {
  await app?.close();
  await producer?.disconnect();
  redis?.disconnect();
  await database?.close();
  await env?.teardown();
});

function multipart(kind: string, fileName: string, mime: string, bytes: Buffer) {
  const boundary = `----harbor${randomBytes(6).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${mime}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, seconds = 120): Promise<T> {
  for (let i = 0; i < seconds * 5; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('a full journey logs none of the secrets it handled', async () => {
  const secrets = new Map<string, string>();
  const password = `Lg-${randomBytes(12).toString('base64url')}-7q`;
  const nationalId = `ZQ${randomBytes(8).toString('hex').toUpperCase()}`;
  secrets.set('password', password);
  secrets.set('national id', nationalId);
  secrets.set('JWT secret', config.JWT_SECRET);
  secrets.set('data encryption key', config.DATA_ENCRYPTION_KEY);
  const dbPassword = decodeURIComponent(new URL(config.DATABASE_URL).password);
  secrets.set('database URL', config.DATABASE_URL);
  secrets.set('database password in a URL', `:${dbPassword}@`);
  const token = (label: string, value: string) => {
    secrets.set(`${label} #${secrets.size}`, value);
    return value;
  };

  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    opts: { auth?: string; body?: unknown; raw?: { payload: Buffer; headers: object } } = {},
  ) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      remoteAddress: ip,
      headers: {
        ...(opts.auth ? { authorization: `Bearer ${opts.auth}` } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...(opts.raw?.headers ?? {}),
      },
      ...(opts.raw
        ? { payload: opts.raw.payload }
        : opts.body
          ? { payload: opts.body as object }
          : {}),
    });

  const email = `logs-${randomBytes(4).toString('hex')}@example.test`;
  const activities = createActivities({
    db: database.db,
    redis,
    producer,
    config,
    logger: createLogger({ level: 'trace', name: 'worker', destination: sink }),
  });

  await withWorker(env, { activities, taskQueue }, async () => {
    // Staff for the deposit (and a KYC decision, if the rules send it to review).
    const opsPassword = `Op-${randomBytes(12).toString('base64url')}-3x`;
    secrets.set('ops password', opsPassword);
    const opsEmail = `logs-ops-${randomBytes(4).toString('hex')}@example.test`;
    await createUser(database.db, { email: opsEmail, password: opsPassword, roles: ['ops'] });
    const opsLogin = await call('POST', '/auth/login', {
      body: { email: opsEmail, password: opsPassword },
    });
    const opsToken = token('ops access token', opsLogin.json().accessToken);
    token('ops refresh token', opsLogin.json().refreshToken);

    const reg = await call('POST', '/auth/register', {
      body: { email, password, fullName: 'Logan Secretkeeper' },
    });
    expect(reg.statusCode).toBe(201);
    const customerId = reg.json().customerId as string;

    // A wrong password too: failure paths log more than happy ones.
    expect(
      (await call('POST', '/auth/login', { body: { email, password: `${password}x` } })).statusCode,
    ).toBe(401);
    const login1 = await call('POST', '/auth/login', { body: { email, password } });
    expect(login1.statusCode).toBe(200);
    let access = token('access token', login1.json().accessToken);
    token('refresh token', login1.json().refreshToken);

    const setup = await call('POST', '/auth/mfa/setup', { auth: access });
    expect(setup.statusCode).toBe(200);
    const totpSecret = setup.json().secret as string;
    secrets.set('TOTP secret', totpSecret);
    expect(
      (await call('POST', '/auth/mfa/enable', { auth: access, body: { totp: '000000' } }))
        .statusCode,
    ).toBeGreaterThanOrEqual(400);
    const enable = await call('POST', '/auth/mfa/enable', {
      auth: access,
      body: { totp: generateSync({ secret: totpSecret }) },
    });
    expect(enable.statusCode).toBe(200);
    const login2 = await call('POST', '/auth/login', {
      body: { email, password, totp: generateSync({ secret: totpSecret }) },
    });
    expect(login2.statusCode).toBe(200);
    access = token('access token (MFA)', login2.json().accessToken);
    const refreshed = await call('POST', '/auth/refresh', {
      body: { refreshToken: token('refresh token (MFA)', login2.json().refreshToken) },
    });
    expect(refreshed.statusCode).toBe(200);
    access = token('access token (refreshed)', refreshed.json().accessToken);
    const refresh = token('refresh token (refreshed)', refreshed.json().refreshToken);

    const idDoc = await call('POST', '/kyc/documents', {
      auth: access,
      raw: multipart('ID_DOCUMENT', 'passport.png', 'image/png', pngBytes()),
    });
    expect(idDoc.statusCode).toBe(201);
    const poa = await call('POST', '/kyc/documents', {
      auth: access,
      raw: multipart('PROOF_OF_ADDRESS', 'bill.pdf', 'application/pdf', pdfBytes()),
    });
    expect(poa.statusCode).toBe(201);
    const kyc = await call('POST', '/kyc', {
      auth: access,
      body: {
        legalName: 'Logan Secretkeeper',
        dateOfBirth: '1988-02-03',
        address: { line1: '9 Quay Road', city: 'Boston', postalCode: '02110', country: 'US' },
        nationalId,
        idDocumentId: idDoc.json().id,
        proofOfAddressDocumentId: poa.json().id,
      },
    });
    expect(kyc.statusCode).toBe(202);
    await poll('KYC decision', async () => {
      const s = (await call('GET', '/kyc', { auth: access })).json().status as string;
      if (s === 'IN_REVIEW') {
        await call('POST', `/support/kyc/${customerId}/approve`, {
          auth: opsToken,
          body: { reason: 'logs test' },
        });
      }
      return s === 'APPROVED' ? s : undefined;
    });

    const openAccount = async () => {
      const opened = await call('POST', '/accounts', {
        auth: access,
        body: { type: 'CHECKING', currency: 'USD' },
      });
      expect(opened.statusCode).toBe(202);
      const id = opened.json().id as string;
      await poll('account opening', async () => {
        const s = await call('GET', `/accounts/${id}/opening`, { auth: access });
        return s.json().status === 'OPEN' ? true : undefined;
      });
      return id;
    };
    const [from, to] = await Promise.all([openAccount(), openAccount()]);
    const deposit = await call('POST', '/ops/deposits', {
      auth: opsToken,
      body: { accountId: from, amount: 10_000, currency: 'USD', reference: 'logs-test' },
    });
    expect(deposit.statusCode).toBe(201);
    const transfer = await call('POST', '/transfers', {
      auth: access,
      body: { fromAccountId: from, toAccountId: to, amount: 2_500, currency: 'USD', memo: 'rent' },
    });
    expect([201, 202]).toContain(transfer.statusCode);
    const transferId = transfer.json().id as string;
    await poll('transfer completion', async () => {
      const s = (await call('GET', `/transfers/${transferId}`, { auth: access })).json().status;
      return s === 'COMPLETED' ? s : undefined;
    });
    expect(
      (await call('POST', '/auth/logout', { body: { refreshToken: refresh } })).statusCode,
    ).toBe(204);
  });

  const text = captured.join('');
  // The capture really is the journey's log (so an empty capture cannot pass).
  expect(text).toContain('"service":"api"');
  expect(text).toContain('/api/v1/transfers');
  expect(captured.length).toBeGreaterThan(50);
  // Each leak is reported with the line it sits in (the secret itself masked).
  const found = [...secrets]
    .filter(([, value]) => value && text.includes(value))
    .map(([k, value]) => {
      const line = captured.find((l) => l.includes(value)) ?? '';
      return `${k}: ${line.split(value).join('<SECRET>').slice(0, 600)}`;
    });
  expect(found).toEqual([]);
  await expectLedgerBalanced(database.db);
});
