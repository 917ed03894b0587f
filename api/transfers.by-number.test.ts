/**
 * POST /api/v1/transfers to another customer's account by its number (`toAccountNumber`): the
 * destination resolves before the workflow starts, bad destinations are 4xx that move nothing and
 * reveal nothing about the owner, and Idempotency-Key semantics hold (same key + same body
 * replays; same key + a different body, even one naming the same account by id, is a conflict).
 * Real app, real worker on the stack's Temporal, Postgres, Redis and Kafka.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import type { Producer } from 'kafkajs';
import { createActivities } from '../activities';
import { createLedgerService } from '../activities/ledger/ledger.service';
import { customers } from '../db/schema/customers';
import { transfers } from '../db/schema/transfers';
import { createLogger } from '../platform/logger';
import { uniqueTaskQueue, withWorker } from '../test/harness';
import { expectLedgerBalanced } from '../test/ledger';
import { newId } from './lib/crypto';
import { createTestAccount, type TestApp, type TestUser } from './testing/app-fixture';
import { startTransferTestApp, type TransferTestApp } from './testing/transfer-app';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let t: TestApp;
let app: TransferTestApp;
let producer: Producer;
let alice: TestUser;
let bob: TestUser;
let aliceAcc: string;
let bobAcc: string;
let bobEur: string;
const runTag = String(Date.now() % 1_000_000).padStart(6, '0');
const bobNumber = `8${runTag}001`;
const bobEurNumber = `8${runTag}002`;
const taskQueue = uniqueTaskQueue('api-transfers-by-number');

beforeAll(async () => {
  app = await startTransferTestApp(taskQueue, 'api-transfers-by-number-test');
  ({ env, t, producer } = app);
  [alice, bob] = await Promise.all([t.customer(), t.customer()]);
  await t.database.db
    .update(customers)
    .set({ fullName: 'Bob Secretname' })
    .where(eq(customers.id, bob.customerId!));
  aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 100_000n });
  const ledger = createLedgerService(t.database.db);
  bobAcc = newId('account');
  bobEur = newId('account');
  await ledger.createAccount({
    id: bobAcc,
    customerId: bob.customerId,
    currency: 'USD',
    kind: 'customer',
    type: 'CHECKING',
    number: bobNumber,
  });
  await ledger.createAccount({
    id: bobEur,
    customerId: bob.customerId,
    currency: 'EUR',
    kind: 'customer',
    type: 'SAVINGS',
    number: bobEurNumber,
  });
});
afterAll(async () => {
  await app?.close();
});

const post = (payload: object, key: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/transfers',
    headers: { ...alice.auth, 'idempotency-key': key },
    payload,
  });
const balance = async (id: string) =>
  (await createLedgerService(t.database.db).getAccount(id)).creditsPosted;
const transfersFrom = async (id: string) =>
  t.database.db.select().from(transfers).where(eq(transfers.fromAccountId, id));

it('refuses bad destinations with a 4xx code before anything moves, leaking nothing', async () => {
  const base = { fromAccountId: aliceAcc, amount: 1_000, currency: 'USD' };
  const cases: [string, object, number, string][] = [
    [
      'both destinations',
      { ...base, toAccountId: bobAcc, toAccountNumber: bobNumber },
      400,
      'VALIDATION_FAILED',
    ],
    ['no destination', base, 400, 'VALIDATION_FAILED'],
    ['letters in the number', { ...base, toAccountNumber: '12345abcde' }, 400, 'VALIDATION_FAILED'],
    ['number as a JSON number', { ...base, toAccountNumber: 1234567890 }, 400, 'VALIDATION_FAILED'],
    ['unknown number', { ...base, toAccountNumber: `7${runTag}999` }, 404, 'ACCOUNT_NOT_FOUND'],
    ['wrong currency', { ...base, toAccountNumber: bobEurNumber }, 422, 'CURRENCY_MISMATCH'],
    ['to the source account', { ...base, toAccountId: aliceAcc }, 422, 'SAME_ACCOUNT'],
    ['unknown id', { ...base, toAccountId: 'acc_doesnotexist000000' }, 404, 'ACCOUNT_NOT_FOUND'],
  ];
  for (const [label, payload, status, code] of cases) {
    const res = await post(payload, `bad-${label}`);
    expect([label, res.statusCode, res.json().error.code]).toEqual([label, status, code]);
    expect(res.body).not.toContain('Secretname');
    expect(res.body).not.toContain(bob.customerId!);
  }
  expect(await transfersFrom(aliceAcc)).toHaveLength(0);
  expect(await balance(bobAcc)).toBe(0n);
});

it('sends to another customer by account number; the key replays and rejects a changed body', async () => {
  const activities = createActivities({
    db: t.database.db,
    redis: t.redis,
    producer,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
  });
  await withWorker(env, { activities, taskQueue }, async () => {
    // Typed the way people copy it from an app: with spaces.
    const spaced = `${bobNumber.slice(0, 4)} ${bobNumber.slice(4, 8)} ${bobNumber.slice(8)}`;
    const body = {
      fromAccountId: aliceAcc,
      toAccountNumber: spaced,
      amount: 12_345,
      currency: 'USD',
    };
    // A 400 from the schema does not consume the key: the corrected request then goes through.
    const both = await post({ ...body, toAccountId: bobAcc }, 'by-number-1');
    expect(both.statusCode).toBe(400);
    const created = await post(body, 'by-number-1');
    expect(created.statusCode).toBe(201);
    const tr = created.json();
    expect(tr.toAccountId).toBe(bobAcc);
    expect(created.body).not.toContain('Secretname');

    const replay = await post(body, 'by-number-1');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(tr.id);

    // Same key, the same destination named by id instead: a different body, so a conflict.
    const { toAccountNumber: _n, ...rest } = body;
    const reused = await post({ ...rest, toAccountId: bobAcc }, 'by-number-1');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/transfers/${tr.id}`,
        headers: alice.auth,
      });
      if (r.json().status === 'COMPLETED') break;
      if (Date.now() > deadline) throw new Error(`not completed: ${r.body}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(await balance(bobAcc)).toBe(12_345n);
    expect(await transfersFrom(aliceAcc)).toHaveLength(1);
    // Bob sees the incoming transfer in his history (he did not initiate it).
    const incoming = await t.app.inject({
      method: 'GET',
      url: '/api/v1/transfers',
      headers: bob.auth,
    });
    expect(incoming.json().items).toEqual([
      expect.objectContaining({ id: tr.id, toAccountId: bobAcc, toAccountNumber: bobNumber }),
    ]);
    await expectLedgerBalanced(t.database.db);
  });
});
