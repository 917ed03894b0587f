/**
 * The onboarding routes end to end through app.inject, with a real worker (the full activity
 * registry) on the stack's Temporal: KYC upload/submit/status, the support review queue and
 * decision, account opening (403 without KYC, 202 then OPEN), freeze/unfreeze, and the scheduled
 * payment management routes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import { createActivities } from '../activities';
import { createKafka } from '../platform/kafka';
import { parseConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { createRedis, type Redis } from '../platform/redis';
import { uniqueTaskQueue, withWorker, workflowEnv } from '../test/harness';
import { expectInvariantHolds, pdfBytes, pngBytes } from '../test/onboarding.fixtures';
import { startTestApp, type TestApp, type TestUser } from './testing/app-fixture';

jest.setTimeout(300_000);

function multipart(kind: string, fileName: string, mime: string, bytes: Buffer) {
  const boundary = `----harbor${Date.now()}`;
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

describe('onboarding routes', () => {
  let env: TestWorkflowEnvironment;
  let t: TestApp;
  let redis: Redis;
  let producer: Producer;
  const taskQueue = uniqueTaskQueue('onboarding-api');
  let key = 0;
  const idem = () => ({ 'idempotency-key': `k-${Date.now()}-${key++}` });

  beforeAll(async () => {
    env = await workflowEnv('existing');
    t = await startTestApp(
      {},
      { temporal: async () => env.client, config: { TEMPORAL_TASK_QUEUE: taskQueue } },
    );
    redis = createRedis(process.env.REDIS_URL!);
    producer = createKafka(process.env.KAFKA_BROKERS!.split(','), 'onboarding-api-test').producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    redis?.disconnect();
    await t?.close();
    await env?.teardown();
  });

  const activities = () =>
    createActivities({
      db: t.database.db,
      redis,
      producer,
      config: parseConfig(process.env),
      logger: createLogger({ level: 'silent' }),
    });

  async function poll<T>(fn: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const v = await fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out polling');
  }

  async function upload(
    user: TestUser,
    kind: string,
    fileName: string,
    mime: string,
    bytes: Buffer,
  ) {
    const body = multipart(kind, fileName, mime, bytes);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/kyc/documents',
      headers: { ...user.auth, ...idem(), ...body.headers },
      payload: body.payload,
    });
  }

  it('KYC → support approval → account opening → freeze → scheduled payment management', async () => {
    await withWorker(env, { activities: activities(), taskQueue }, async () => {
      const alice = await t.customer();
      const staff = await t.support();
      const bob = await t.customer();

      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/kyc', headers: alice.auth })).json(),
      ).toMatchObject({
        status: 'NOT_STARTED',
      });
      const refused = await t.app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        headers: { ...alice.auth, ...idem() },
        payload: { type: 'CHECKING', currency: 'USD' },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('KYC_REQUIRED');

      // Documents: content-checked.
      const fake = await upload(
        alice,
        'ID_DOCUMENT',
        'passport.pdf',
        'application/pdf',
        Buffer.alloc(300, 0x41),
      );
      expect(fake.statusCode).toBe(400);
      expect(fake.json().error.code).toBe('INVALID_DOCUMENT');
      const idDoc = await upload(alice, 'ID_DOCUMENT', 'passport.png', 'image/png', pngBytes());
      expect(idDoc.statusCode).toBe(201);
      const poa = await upload(
        alice,
        'PROOF_OF_ADDRESS',
        'bill.pdf',
        'application/pdf',
        pdfBytes(),
      );
      expect(poa.statusCode).toBe(201);

      const submitted = await t.app.inject({
        method: 'POST',
        url: '/api/v1/kyc',
        headers: { ...alice.auth, ...idem() },
        payload: {
          legalName: 'Elena Drago',
          dateOfBirth: '1980-02-02',
          address: { line1: '5 Quay St', city: 'Dublin', postalCode: 'D02', country: 'IE' },
          nationalId: 'AB-1234-5678',
          idDocumentId: idDoc.json().id,
          proofOfAddressDocumentId: poa.json().id,
        },
      });
      expect(submitted.statusCode).toBe(202);
      expect(submitted.json()).toMatchObject({ status: 'PENDING', attempt: 1 });

      const inReview = await poll(async () => {
        const r = (
          await t.app.inject({ method: 'GET', url: '/api/v1/kyc', headers: alice.auth })
        ).json();
        return r.status === 'IN_REVIEW' ? r : undefined;
      });
      expect(inReview.reasons).toEqual(['PEP_MATCH']);
      expect(inReview.attempts[0].nationalIdMasked).toBe('•••• 5678');
      expect(JSON.stringify(inReview)).not.toContain('12345678');

      const queue = await t.app.inject({
        method: 'GET',
        url: '/api/v1/support/kyc?status=IN_REVIEW&limit=100',
        headers: staff.auth,
      });
      expect(queue.statusCode).toBe(200);
      expect(
        queue.json().items.some((i: { customerId: string }) => i.customerId === alice.customerId),
      ).toBe(true);
      const notStaff = await t.app.inject({
        method: 'GET',
        url: '/api/v1/support/kyc',
        headers: alice.auth,
      });
      expect(notStaff.statusCode).toBe(403);

      const approved = await t.app.inject({
        method: 'POST',
        url: `/api/v1/support/kyc/${alice.customerId}/approve`,
        headers: staff.auth,
        payload: { reason: 'PEP verified, low risk' },
      });
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'APPROVED' });
      const again = await t.app.inject({
        method: 'POST',
        url: `/api/v1/support/kyc/${alice.customerId}/reject`,
        headers: staff.auth,
        payload: { reason: 'second thoughts' },
      });
      expect(again.statusCode).toBe(409);

      // Account opening.
      const open = async (initialDeposit?: number) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/accounts',
          headers: { ...alice.auth, ...idem() },
          payload: {
            type: 'CHECKING',
            currency: 'USD',
            ...(initialDeposit ? { initialDeposit } : {}),
          },
        });
        expect(res.statusCode).toBe(202);
        const { id } = res.json();
        await poll(async () => {
          const r = await t.app.inject({
            method: 'GET',
            url: `/api/v1/accounts/${id}/opening`,
            headers: alice.auth,
          });
          return r.statusCode === 200 && r.json().status === 'OPEN' ? r.json() : undefined;
        });
        return id as string;
      };
      const checking = await open(50_000);
      const savings = await open();
      const account = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/accounts/${checking}`,
          headers: alice.auth,
        })
      ).json();
      expect(account).toMatchObject({ status: 'ACTIVE', balances: { posted: 50_000 } });
      expect(account.number).toMatch(/^\d{10}$/);

      const frozen = await t.app.inject({
        method: 'POST',
        url: `/api/v1/support/accounts/${checking}/freeze`,
        headers: staff.auth,
        payload: { reason: 'card reported stolen' },
      });
      expect(frozen.statusCode).toBe(200);
      expect(frozen.json()).toMatchObject({ from: 'ACTIVE', to: 'FROZEN' });
      const unfrozen = await t.app.inject({
        method: 'POST',
        url: `/api/v1/support/accounts/${checking}/unfreeze`,
        headers: staff.auth,
        payload: { reason: 'card found' },
      });
      expect(unfrozen.json()).toMatchObject({ from: 'FROZEN', to: 'ACTIVE' });

      // Scheduled payments.
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/scheduled-payments',
        headers: { ...alice.auth, ...idem() },
        payload: {
          fromAccountId: checking,
          toAccountId: savings,
          amount: 2_500,
          currency: 'USD',
          schedule: {
            frequency: 'MONTHLY',
            startAt: '2030-01-31T09:00:00.000Z',
            dayOfMonth: 31,
            maxCount: 12,
          },
        },
      });
      expect(created.statusCode).toBe(201);
      const schedule = created.json();
      expect(schedule).toMatchObject({
        status: 'ACTIVE',
        nextRunAt: '2030-01-31T09:00:00.000Z',
        amount: 2_500,
      });
      const id = schedule.id as string;

      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/scheduled-payments/${id}`,
            headers: bob.auth,
          })
        ).statusCode,
      ).toBe(404);
      const list = (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/scheduled-payments',
          headers: alice.auth,
        })
      ).json();
      expect(list.items.map((i: { id: string }) => i.id)).toEqual([id]);

      const paused = await t.app.inject({
        method: 'POST',
        url: `/api/v1/scheduled-payments/${id}/pause`,
        headers: alice.auth,
      });
      expect(paused.json().status).toBe('PAUSED');
      await poll(async () => {
        const r = (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/scheduled-payments/${id}`,
            headers: alice.auth,
          })
        ).json();
        return r.status === 'PAUSED' ? r : undefined;
      });
      const pausedTwice = await t.app.inject({
        method: 'POST',
        url: `/api/v1/scheduled-payments/${id}/pause`,
        headers: alice.auth,
      });
      expect(pausedTwice.statusCode).toBe(409);
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/scheduled-payments/${id}/resume`,
        headers: alice.auth,
      });
      await poll(async () => {
        const r = (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/scheduled-payments/${id}`,
            headers: alice.auth,
          })
        ).json();
        return r.status === 'ACTIVE' ? r : undefined;
      });
      const patched = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/scheduled-payments/${id}`,
        headers: alice.auth,
        payload: { amount: 3_000, nextRunAt: '2030-02-15T09:00:00.000Z' },
      });
      expect(patched.statusCode).toBe(200);
      await poll(async () => {
        const r = (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/scheduled-payments/${id}`,
            headers: alice.auth,
          })
        ).json();
        return r.amount === 3_000 && r.nextRunAt === '2030-02-15T09:00:00.000Z' ? r : undefined;
      });
      const cancelled = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/scheduled-payments/${id}`,
        headers: alice.auth,
      });
      expect(cancelled.json().status).toBe('CANCELLED');
      await poll(async () => {
        const r = (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/scheduled-payments/${id}`,
            headers: alice.auth,
          })
        ).json();
        return r.status === 'CANCELLED' ? r : undefined;
      });
    });
    await expectInvariantHolds(t.database.db);
  });
});
