/**
 * ScheduledPaymentWorkflow on the time-skipping test server: months of timers pass in seconds.
 * Each occurrence runs the real TransferWorkflow as a child, with the real activity registry
 * (ledger, fraud, notify, events, read models) on the test Postgres. Every scenario ends with the
 * ledger invariant.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../activities';
import { createLedgerService } from '../activities/ledger/ledger.service';
import {
  controlScheduledPayment,
  createScheduledPayment,
  getScheduledPayment,
  type ScheduleServiceDeps,
} from '../activities/schedules/schedules.service';
import { createDatabase, type Database } from '../db/client';
import { notifications } from '../db/schema/notifications';
import { scheduledOccurrenceTransferId, workflowIds } from '../domain/ids';
import { createKafka } from '../platform/kafka';
import { parseConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { createRedis, type Redis } from '../platform/redis';
import { withWorker, workflowEnv } from '../test/harness';
import {
  createApprovedCustomer,
  expectInvariantHolds,
  randomSuffix,
} from '../test/onboarding.fixtures';
import type { ScheduledPaymentState } from './scheduled-payment.messages';
import { scheduleStatusQuery } from './scheduled-payment.messages';

jest.setTimeout(240_000);

const DAY = 24 * 3600 * 1000;

describe('ScheduledPaymentWorkflow (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let database: Database;
  let redis: Redis;
  let producer: Producer;
  let activities: object;

  beforeAll(async () => {
    env = await workflowEnv('time-skipping');
    // The Java test server starts without our search attributes; the TransferWorkflow upserts them.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: {
        TransferStatus: 2,
        CustomerId: 2,
        AccountId: 2,
        WorkflowKind: 2,
        AmountMinor: 3,
      },
    });
    database = createDatabase(process.env.DATABASE_URL!, { max: 6 });
    redis = createRedis(process.env.REDIS_URL!);
    producer = createKafka(process.env.KAFKA_BROKERS!.split(','), 'schedules-test').producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const config = parseConfig(process.env);
    activities = createActivities({
      db: database.db,
      redis,
      producer,
      config,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await producer?.disconnect();
    redis?.disconnect();
    await database?.close();
    await env?.teardown();
  });

  const ledger = () => createLedgerService(database.db);

  async function accountsFor(
    customerId: string,
    funding: bigint,
  ): Promise<{ from: string; to: string; payee: string }> {
    const payee = await createApprovedCustomer(database.db);
    const from = `acc_${randomSuffix(16)}`;
    const to = `acc_${randomSuffix(16)}`;
    await ledger().createAccount({
      id: from,
      customerId,
      currency: 'USD',
      kind: 'customer',
      type: 'CHECKING',
    });
    await ledger().createAccount({
      id: to,
      customerId: payee,
      currency: 'USD',
      kind: 'customer',
      type: 'CHECKING',
    });
    if (funding > 0n)
      await ledger().deposit({
        id: `fund-${from}`,
        accountId: from,
        amount: funding,
        currency: 'USD',
      });
    return { from, to, payee };
  }

  function run<T>(fn: (deps: ScheduleServiceDeps) => Promise<T>): Promise<T> {
    return withWorker(env, { activities }, (taskQueue) =>
      fn({ db: database.db, temporal: env.client, taskQueue }),
    );
  }

  const handleOf = (scheduleId: string) =>
    env.client.workflow.getHandle(workflowIds.scheduledPayment(scheduleId));

  async function waitFor(
    scheduleId: string,
    pred: (s: ScheduledPaymentState) => boolean,
  ): Promise<ScheduledPaymentState> {
    for (let i = 0; i < 900; i++) {
      const s = await handleOf(scheduleId)
        .query(scheduleStatusQuery)
        .catch(() => undefined);
      if (s && pred(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`schedule ${scheduleId} never reached the expected state`);
  }

  it('pays 12 monthly occurrences on day 31 (Jan 31 → Feb 29 of a leap year …) in seconds, with continue-as-new', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const { from, to } = await accountsFor(customerId, 100_000n);
    // The next Jan 31 of a leap year after the test server's clock, so Feb 29 is exercised.
    const serverNow = await env.currentTimeMs();
    let year = new Date(serverNow).getUTCFullYear();
    while (year % 4 !== 0 || Date.UTC(year, 0, 31, 9) <= serverNow + DAY) year++;
    const startAt = new Date(Date.UTC(year, 0, 31, 9)).toISOString();
    const started = Date.now();
    const result = await run(async (deps) => {
      const created = await createScheduledPayment(
        deps,
        customerId,
        {
          fromAccountId: from,
          toAccountId: to,
          amount: 1_500,
          currency: 'USD',
          memo: 'rent',
          schedule: {
            frequency: 'MONTHLY',
            startAt,
            dayOfMonth: 31,
            maxCount: 12,
          },
        },
        { occurrencesPerRun: 5, now: new Date(serverNow) },
      );
      expect(created.nextRunAt).toBe(startAt);
      return (await handleOf(created.id).result()) as ScheduledPaymentState;
    });
    const wallSeconds = (Date.now() - started) / 1000;
    expect(wallSeconds).toBeLessThan(150);
    expect(result.status).toBe('COMPLETED');
    expect(result.occurrenceCount).toBe(12);
    expect(result.nextRunAt).toBeNull();

    const view = await getScheduledPayment(database.db, result.scheduleId);
    expect(view.status).toBe('COMPLETED');
    const lastDay = ['31', '29', '31', '30', '31', '30', '31', '31', '30', '31', '30', '31'];
    expect(view.occurrences.map((o) => o.dueAt.slice(0, 10))).toEqual(
      lastDay.map((d, i) => `${year}-${String(i + 1).padStart(2, '0')}-${d}`),
    );
    for (const o of view.occurrences) {
      expect(o).toMatchObject({ status: 'COMPLETED', amount: 1_500n, attempts: 1 });
      expect(o.transferId).toBe(scheduledOccurrenceTransferId(result.scheduleId, o.dueAt));
    }
    expect((await ledger().getBalances(to)).posted).toBe(18_000n);
    expect((await ledger().getBalances(from)).posted).toBe(100_000n - 18_000n);
    await expectInvariantHolds(database.db);
  });

  it('pause skips nothing silently: no payment while paused, resumes at the next date', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const { from, to } = await accountsFor(customerId, 50_000n);
    const now = await env.currentTimeMs();
    await run(async (deps) => {
      const created = await createScheduledPayment(
        deps,
        customerId,
        {
          fromAccountId: from,
          toAccountId: to,
          amount: 2_000,
          currency: 'USD',
          schedule: {
            frequency: 'WEEKLY',
            startAt: new Date(now + 2 * DAY).toISOString(),
            maxCount: 2,
          },
        },
        { now: new Date(now) },
      );
      await waitFor(created.id, (s) => s.nextRunAt !== null);
      await controlScheduledPayment(deps, created.id, 'pause', customerId);
      await waitFor(created.id, (s) => s.status === 'PAUSED');
      await env.sleep(20 * DAY); // two weekly dates pass while paused
      const paused = await handleOf(created.id).query(scheduleStatusQuery);
      expect(paused).toMatchObject({ status: 'PAUSED', occurrenceCount: 0 });
      expect((await ledger().getBalances(to)).posted).toBe(0n);
      expect((await getScheduledPayment(database.db, created.id)).status).toBe('PAUSED');

      const resumedAt = await env.currentTimeMs();
      await controlScheduledPayment(deps, created.id, 'resume', customerId);
      const final = (await handleOf(created.id).result()) as ScheduledPaymentState;
      expect(final).toMatchObject({ status: 'COMPLETED', occurrenceCount: 2 });
      for (const o of final.recent) expect(Date.parse(o.dueAt)).toBeGreaterThan(resumedAt);
      expect(Date.parse(final.recent[1]!.dueAt) - Date.parse(final.recent[0]!.dueAt)).toBe(7 * DAY);
    });
    expect((await ledger().getBalances(to)).posted).toBe(4_000n);
    await expectInvariantHolds(database.db);
  });

  it('insufficient funds: retried after 24 h up to 3 times, then skipped and notified; the schedule goes on', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const { from, to } = await accountsFor(customerId, 15_000n);
    const now = await env.currentTimeMs();
    const final = await run(async (deps) => {
      const created = await createScheduledPayment(
        deps,
        customerId,
        {
          fromAccountId: from,
          toAccountId: to,
          amount: 10_000,
          currency: 'USD',
          schedule: {
            frequency: 'WEEKLY',
            startAt: new Date(now + DAY).toISOString(),
            maxCount: 3,
          },
        },
        { now: new Date(now) },
      );
      // Occurrence 1 pays (5,000 left); occurrence 2 cannot. Wait until it has been skipped.
      await env.sleep(12 * DAY);
      const mid = await waitFor(created.id, (s) => s.recent.some((o) => o.status === 'SKIPPED'));
      expect(mid.recent.map((o) => o.status)).toEqual(['COMPLETED', 'SKIPPED']);
      // Money arrives before occurrence 3: it pays.
      await ledger().deposit({
        id: `topup-${from}`,
        accountId: from,
        amount: 10_000n,
        currency: 'USD',
      });
      return (await handleOf(created.id).result()) as ScheduledPaymentState;
    });
    expect(final).toMatchObject({ status: 'COMPLETED', occurrenceCount: 3 });
    expect(final.recent.map((o) => o.status)).toEqual(['COMPLETED', 'SKIPPED', 'COMPLETED']);
    const skipped = final.recent[1]!;
    expect(skipped.failureCode).toBe('INSUFFICIENT_FUNDS');
    expect(skipped.transferIds).toHaveLength(4); // first try + 3 retries
    const base = scheduledOccurrenceTransferId(final.scheduleId, skipped.dueAt);
    expect(skipped.transferIds).toEqual([base, `${base}-r1`, `${base}-r2`, `${base}-r3`]);
    const gaps = skipped.attemptTimes
      .slice(1)
      .map((t, i) => Date.parse(t) - Date.parse(skipped.attemptTimes[i]!));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(DAY);

    const view = await getScheduledPayment(database.db, final.scheduleId);
    expect(view.occurrences.map((o) => [o.status, o.attempts])).toEqual([
      ['COMPLETED', 1],
      ['SKIPPED', 4],
      ['COMPLETED', 1],
    ]);
    const notices = await database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.customerId, customerId),
          eq(notifications.template, 'scheduled_payment.skipped'),
        ),
      );
    expect(notices).toHaveLength(1);
    expect((await ledger().getBalances(to)).posted).toBe(20_000n);
    expect((await ledger().getBalances(from)).posted).toBe(5_000n);
    await expectInvariantHolds(database.db);
  });

  it('a duplicate trigger of an occurrence pays once', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const { from, to } = await accountsFor(customerId, 10_000n);
    const now = await env.currentTimeMs();
    const startAt = new Date(Math.ceil((now + DAY) / 1000) * 1000).toISOString();
    const final = await run(async (deps) => {
      const created = await createScheduledPayment(
        deps,
        customerId,
        {
          fromAccountId: from,
          toAccountId: to,
          amount: 3_000,
          currency: 'USD',
          schedule: { frequency: 'ONCE', startAt },
        },
        { now: new Date(now) },
      );
      const transferId = scheduledOccurrenceTransferId(created.id, startAt);
      // Someone else (a catch-up job, a second scheduler) triggers the same occurrence first.
      const duplicate = await env.client.workflow.execute('transferWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId: workflowIds.transfer(transferId),
        args: [
          {
            transferId,
            customerId,
            fromAccountId: from,
            toAccountId: to,
            amount: '3000',
            currency: 'USD',
          },
        ],
      });
      expect((duplicate as { status: string }).status).toBe('COMPLETED');
      return (await handleOf(created.id).result()) as ScheduledPaymentState;
    });
    expect(final).toMatchObject({ status: 'COMPLETED', occurrenceCount: 1 });
    expect(final.recent[0]).toMatchObject({
      status: 'COMPLETED',
      transferIds: [scheduledOccurrenceTransferId(final.scheduleId, startAt)],
    });
    expect((await ledger().getBalances(to)).posted).toBe(3_000n);
    expect((await ledger().getBalances(from)).posted).toBe(7_000n);
    await expectInvariantHolds(database.db);
  });

  it('pauses itself and notifies when the source account is frozen; pays after unfreeze + resume', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const { from, to } = await accountsFor(customerId, 10_000n);
    const now = await env.currentTimeMs();
    await run(async (deps) => {
      const created = await createScheduledPayment(
        deps,
        customerId,
        {
          fromAccountId: from,
          toAccountId: to,
          amount: 1_000,
          currency: 'USD',
          schedule: { frequency: 'ONCE', startAt: new Date(now + DAY).toISOString() },
        },
        { now: new Date(now) },
      );
      await waitFor(created.id, (s) => s.nextRunAt !== null);
      await ledger().setAccountStatus(from, 'FROZEN');
      await env.sleep(2 * DAY);
      const paused = await waitFor(created.id, (s) => s.status === 'PAUSED');
      expect(paused.pausedReason).toMatch(/ACCOUNT_FROZEN/);
      const notices = await database.db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.customerId, customerId),
            eq(notifications.template, 'scheduled_payment.paused'),
          ),
        );
      expect(notices).toHaveLength(1);
      await ledger().setAccountStatus(from, 'ACTIVE');
      await controlScheduledPayment(deps, created.id, 'resume', customerId);
      const final = (await handleOf(created.id).result()) as ScheduledPaymentState;
      expect(final).toMatchObject({ status: 'COMPLETED', occurrenceCount: 1 });
      expect(final.recent[0]!.status).toBe('COMPLETED');
      expect(final.recent[0]!.transferIds).toHaveLength(2);
    });
    expect((await ledger().getBalances(to)).posted).toBe(1_000n);
    await expectInvariantHolds(database.db);
  });
});
