/**
 * AccountOpeningWorkflow and AccountLifecycleWorkflow with the real account activities on the
 * real ledger (test Postgres): happy path with an initial deposit, blocked without KYC,
 * compensation when a late step fails for good, freeze blocking outgoing money, close refused
 * with a balance. Every scenario ends with the ledger invariant.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import { isValidAccountNumber } from '../activities/accounts/account-number';
import { createAccountActivities } from '../activities/accounts/accounts.activities';
import {
  changeAccountStatus,
  openAccount,
  type AccountServiceDeps,
} from '../activities/accounts/accounts.service';
import { createLedgerService } from '../activities/ledger/ledger.service';
import { createDatabase, type Database } from '../db/client';
import { bankAccounts } from '../db/schema/accounts';
import { auditLog } from '../db/schema/audit';
import { accounts, ledgerTransfers } from '../db/schema/ledger';
import { notifications } from '../db/schema/notifications';
import { accountLedgerIds, workflowIds } from '../domain/ids';
import { withWorker, workflowEnv } from '../test/harness';
import {
  createApprovedCustomer,
  createTestCustomer,
  expectInvariantHolds,
  preferredEnvKind,
  randomSuffix,
  recordingEventActivities,
  type RecordingEvents,
} from '../test/onboarding.fixtures';
import { accountOpeningStatusQuery, type AccountOpeningState } from './account-opening.messages';

jest.setTimeout(120_000);

describe('AccountOpeningWorkflow and account lifecycle', () => {
  let env: TestWorkflowEnvironment;
  let database: Database;
  let events: RecordingEvents;

  beforeAll(async () => {
    env = await workflowEnv(await preferredEnvKind());
    database = createDatabase(process.env.DATABASE_URL!, { max: 4 });
    events = await recordingEventActivities();
  });
  afterAll(async () => {
    await events?.close();
    await database?.close();
    await env?.teardown();
  });

  function run<T>(
    fn: (deps: AccountServiceDeps) => Promise<T>,
    overrides: Record<string, unknown> = {},
  ): Promise<T> {
    const activities = {
      ...createAccountActivities({ db: database.db }),
      ...events.activities,
      ...overrides,
    };
    return withWorker(env, { activities }, (taskQueue) =>
      fn({ db: database.db, temporal: env.client, taskQueue }),
    );
  }

  const result = (accountId: string) =>
    env.client.workflow
      .getHandle(workflowIds.accountOpening(accountId))
      .result() as Promise<AccountOpeningState>;

  const ledger = () => createLedgerService(database.db);

  async function openFunded(
    customerId: string,
    deps: AccountServiceDeps,
    amount = 25_000,
  ): Promise<string> {
    const { id } = await openAccount(deps, customerId, {
      type: 'CHECKING',
      currency: 'USD',
      initialDeposit: amount,
    });
    await result(id);
    return id;
  }

  it('opens a funded account: unique number, deposit, account.opened, welcome notice', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const state = await run(async (deps) => {
      const started = await openAccount(deps, customerId, {
        type: 'SAVINGS',
        currency: 'USD',
        initialDeposit: 25_000,
      });
      expect(started).toMatchObject({
        status: 'OPENING',
        workflowId: workflowIds.accountOpening(started.id),
      });
      const final = await result(started.id);
      const queried = await env.client.workflow
        .getHandle(started.workflowId)
        .query(accountOpeningStatusQuery);
      expect(queried.status).toBe('OPEN');
      return final;
    });
    expect(state.status).toBe('OPEN');
    expect(state.timeline.map((t) => t.status)).toEqual([
      'CHECKING_KYC',
      'CREATING_ACCOUNT',
      'FUNDING',
      'ANNOUNCING',
      'OPEN',
    ]);
    expect(isValidAccountNumber(state.number!)).toBe(true);

    const account = await ledger().getAccount(state.accountId);
    expect(account).toMatchObject({
      customerId,
      type: 'SAVINGS',
      status: 'ACTIVE',
      number: state.number,
    });
    expect((await ledger().getBalances(state.accountId)).posted).toBe(25_000n);
    const [opening] = await database.db
      .select()
      .from(bankAccounts)
      .where(eq(bankAccounts.id, state.accountId));
    expect(opening).toMatchObject({ openingStatus: 'OPEN', number: state.number });

    const opened = events.published.filter((e) => e.subject === state.accountId);
    expect(opened.map((e) => e.type)).toEqual(['account.opened']);
    expect(opened[0]!.data).toMatchObject({ customerId, currency: 'USD', type: 'SAVINGS' });
    const notices = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.customerId, customerId));
    expect(notices.map((n) => n.template)).toEqual(['account.welcome']);
    await expectInvariantHolds(database.db);
  });

  it('is blocked without approved KYC (service: KYC_REQUIRED; workflow: fails, creates nothing)', async () => {
    const customerId = await createTestCustomer(database.db);
    await run(async (deps) => {
      await expect(
        openAccount(deps, customerId, { type: 'CHECKING', currency: 'USD' }),
      ).rejects.toMatchObject({
        code: 'KYC_REQUIRED',
      });
      // Even if started directly, the workflow's own gate refuses.
      const accountId = `acc_${randomSuffix(16)}`;
      const err = await env.client.workflow
        .execute('accountOpeningWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId: workflowIds.accountOpening(accountId),
          args: [{ accountId, customerId, type: 'CHECKING', currency: 'USD' }],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('KYC_REQUIRED');
      const rows = await database.db.select().from(accounts).where(eq(accounts.id, accountId));
      expect(rows).toHaveLength(0);
    });
  });

  it('compensates when a late step fails for good: funding reversed, account closed', async () => {
    const customerId = await createApprovedCustomer(database.db);
    const failingWelcome = {
      async accountsSendWelcome() {
        throw ApplicationFailure.create({
          type: 'NOTIFY_UNAVAILABLE',
          message: 'welcome channel down',
          nonRetryable: true,
        });
      },
    };
    const { accountId, err } = await run(async (deps) => {
      const { id } = await openAccount(deps, customerId, {
        type: 'CHECKING',
        currency: 'USD',
        initialDeposit: 40_000,
      });
      const e = await result(id).catch((x: unknown) => x);
      return { accountId: id, err: e };
    }, failingWelcome);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('ACCOUNT_OPENING_FAILED');
    const state = failure.details?.[0] as AccountOpeningState;
    expect(state.compensations).toEqual(['reverse-initial-deposit', 'close-account']);
    expect(state.failureCode).toBe('NOTIFY_UNAVAILABLE');

    const account = await ledger().getAccount(accountId);
    expect(account.status).toBe('CLOSED');
    expect((await ledger().getBalances(accountId)).posted).toBe(0n);
    const reversal = await database.db
      .select()
      .from(ledgerTransfers)
      .where(eq(ledgerTransfers.id, accountLedgerIds.initialDepositReversal(accountId)));
    expect(reversal[0]?.amount).toBe(40_000n);
    const [opening] = await database.db
      .select()
      .from(bankAccounts)
      .where(eq(bankAccounts.id, accountId));
    expect(opening?.openingStatus).toBe('FAILED');
    await expectInvariantHolds(database.db);
  });

  it('freeze blocks outgoing money with ACCOUNT_FROZEN, incoming is accepted; unfreeze restores', async () => {
    const customerId = await createApprovedCustomer(database.db);
    await run(async (deps) => {
      const source = await openFunded(customerId, deps, 30_000);
      const other = await openFunded(customerId, deps, 5_000);
      const frozen = await changeAccountStatus(deps, {
        accountId: source,
        action: 'FREEZE',
        actor: 'usr_support09',
        actorRoles: ['support'],
        reason: 'suspicious login',
      });
      expect(frozen).toMatchObject({ from: 'ACTIVE', to: 'FROZEN', changed: true });

      await expect(
        ledger().createTransfer({
          id: `t-${randomSuffix()}`,
          kind: 'single',
          debitAccountId: source,
          creditAccountId: other,
          amount: 1_000n,
          currency: 'USD',
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
      await expect(
        ledger().holdFunds({
          id: `h-${randomSuffix()}`,
          debitAccountId: source,
          creditAccountId: other,
          amount: 1_000n,
          currency: 'USD',
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
      // Incoming still lands.
      await ledger().createTransfer({
        id: `t-${randomSuffix()}`,
        kind: 'single',
        debitAccountId: other,
        creditAccountId: source,
        amount: 2_000n,
        currency: 'USD',
      });
      expect((await ledger().getBalances(source)).posted).toBe(32_000n);

      const unfrozen = await changeAccountStatus(deps, {
        accountId: source,
        action: 'UNFREEZE',
        actor: 'usr_support09',
        reason: 'verified',
      });
      expect(unfrozen).toMatchObject({ from: 'FROZEN', to: 'ACTIVE', changed: true });
      await ledger().createTransfer({
        id: `t-${randomSuffix()}`,
        kind: 'single',
        debitAccountId: source,
        creditAccountId: other,
        amount: 1_000n,
        currency: 'USD',
      });
      expect((await ledger().getBalances(source)).posted).toBe(31_000n);

      const types = events.published.filter((e) => e.subject === source).map((e) => e.type);
      expect(types).toEqual(['account.opened', 'account.frozen', 'account.unfrozen']);
      const audit = await database.db.select().from(auditLog).where(eq(auditLog.target, source));
      expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual(
        expect.arrayContaining([
          ['account.freeze', 'usr_support09', 'suspicious login'],
          ['account.unfreeze', 'usr_support09', 'verified'],
        ]),
      );
    });
    await expectInvariantHolds(database.db);
  });

  it('close is refused with a balance (ACCOUNT_NOT_EMPTY), allowed at zero, and emits account.closed', async () => {
    const customerId = await createApprovedCustomer(database.db);
    await run(async (deps) => {
      const accountId = await openFunded(customerId, deps, 12_345);
      await expect(
        changeAccountStatus(deps, {
          accountId,
          action: 'CLOSE',
          actor: customerId,
          reason: 'moving banks',
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_EMPTY' });
      expect((await ledger().getAccount(accountId)).status).toBe('ACTIVE');

      // Empty it (back to settlement), then close.
      await ledger().createTransfer({
        id: `payout-${randomSuffix()}`,
        kind: 'single',
        debitAccountId: accountId,
        creditAccountId: 'acc_settlement_usd',
        amount: 12_345n,
        currency: 'USD',
      });
      const closed = await changeAccountStatus(deps, {
        accountId,
        action: 'CLOSE',
        actor: customerId,
        reason: 'moving banks',
      });
      expect(closed).toMatchObject({ to: 'CLOSED', changed: true });
      expect((await ledger().getAccount(accountId)).status).toBe('CLOSED');
      const types = events.published.filter((e) => e.subject === accountId).map((e) => e.type);
      expect(types).toEqual(['account.opened', 'account.closed']);
      const [opening] = await database.db
        .select()
        .from(bankAccounts)
        .where(and(eq(bankAccounts.id, accountId)));
      expect(opening?.openingStatus).toBe('CLOSED');
    });
    await expectInvariantHolds(database.db);
  });
});
