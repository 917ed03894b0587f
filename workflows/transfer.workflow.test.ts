/**
 * Branch coverage of the TransferWorkflow with stubbed activities (test/transfer-stubs.ts) on the
 * stack's Temporal server. Every path goes through the real start helper (update-with-start) and
 * the real update helpers, and checks status, failure code, timeline, the stub ledger's holds,
 * events, the read-model sync and the search attributes.
 */
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ledgerIds, workflowIds } from '../domain/ids';
import {
  approveTransfer,
  cancelTransfer,
  getTransferStatus,
  rejectTransfer,
  retryTransfer,
  startTransfer,
} from '../activities/transfers/transfer.client';
import { withWorker, workflowEnv } from '../test/harness';
import { createStubWorld, uid } from '../test/transfer-stubs';
import { transferSearchAttributes as SA, type TransferSnapshot } from './transfer.messages';
import type { transferWorkflow } from './transfer.workflow';
import { eventually } from '../test/eventually';

jest.setTimeout(120_000);

const FAST_RETRY = {
  stepRetry: { maximumAttempts: 2, initialIntervalMs: 50, maximumIntervalMs: 100 },
};

describe('TransferWorkflow (stubbed activities)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await workflowEnv('existing');
  });
  afterAll(async () => {
    await env?.teardown();
  });

  function setup(balance = 100_000n) {
    const world = createStubWorld();
    const customerId = uid('cus');
    const from = world.addAccount(customerId, balance);
    const to = world.addAccount(uid('cus'), 0n);
    const transferId = uid('trf');
    const input = (amount: string, extra: object = {}) => ({
      transferId,
      customerId,
      fromAccountId: from,
      toAccountId: to,
      amount,
      currency: 'USD',
      memo: 'rent',
      ...extra,
    });
    return { world, customerId, from, to, transferId, input };
  }

  const statuses = (s: TransferSnapshot) => s.timeline.map((t) => t.status);
  const result = (transferId: string) =>
    env.client.workflow
      .getHandle<typeof transferWorkflow>(workflowIds.transfer(transferId))
      .result();
  const statusOf = (transferId: string) => getTransferStatus(env.client, transferId);

  /** RECORD_HISTORIES=1: save this path's history as a replay fixture (see docs/workflow-versioning.md). */
  async function record(name: string, transferId: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const handle = env.client.workflow.getHandle(workflowIds.transfer(transferId));
    await handle.result();
    const history = await handle.fetchHistory();
    const dir = path.join(__dirname, '..', 'test', 'fixtures', 'histories');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(
      path.join(dir, `transfer-${name}.json`),
      JSON.stringify(
        temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, {
          longs: String,
          enums: String,
          bytes: String,
        }),
        null,
        1,
      ),
    );
  }

  it('happy path: held, posted, events published, parties notified, read model and search attributes current', async () => {
    const { world, transferId, input, from, to } = setup();
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      const started = await startTransfer(env.client, input('2500'), { taskQueue, waitMs: 20_000 });
      expect(started.status).toBe('HELD');
      expect(['FUNDS_HELD', 'POSTING', 'COMPLETED']).toContain(started.transfer.status);

      // Same transfer id again: same workflow, never a second one.
      const again = await startTransfer(env.client, input('2500'), { taskQueue, waitMs: 20_000 });
      expect(again.workflowId).toBe(started.workflowId);

      const final = await result(transferId);
      expect(final.status).toBe('COMPLETED');
      expect(statuses(final)).toEqual(['PENDING', 'FUNDS_HELD', 'POSTING', 'COMPLETED']);
      expect(final.failureCode).toBeNull();
      expect(final.fraud).toEqual({ score: 5, decision: 'ALLOW', reasons: [] });
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('POSTED');
      expect(world.accounts.get(from)!.available).toBe(100_000n - 2500n);
      expect(world.accounts.get(to)!.available).toBe(2500n);
      expect(world.calls.filter((c) => c.name === 'holdFunds')).toHaveLength(1);
      expect(world.events.map((e) => e.type)).toEqual([
        'transfer.initiated',
        'transfer.funds_held',
        'transfer.completed',
      ]);
      expect(world.events.map((e) => e.id)).toContain(
        `${workflowIds.transfer(transferId)}:completed`,
      );
      expect(world.calls.filter((c) => c.name === 'notifyTransferParties')).toHaveLength(1);
      expect(world.synced.get(transferId)).toEqual(final);

      // Second start after completion returns the completed transfer, without a new run.
      const afterEnd = await startTransfer(env.client, input('2500'), {
        taskQueue,
        waitMs: 20_000,
      });
      expect(afterEnd.transfer.status).toBe('COMPLETED');
      expect(afterEnd.status).toBe('HELD');
      const runs = await env.client.workflow.count(
        `WorkflowId = '${workflowIds.transfer(transferId)}'`,
      );
      expect(runs.count).toBe(1);

      const description = await env.client.workflow
        .getHandle(workflowIds.transfer(transferId))
        .describe();
      expect(description.typedSearchAttributes.get(SA.status)).toBe('COMPLETED');
      expect(description.typedSearchAttributes.get(SA.workflowKind)).toBe('transfer');
      expect(description.typedSearchAttributes.get(SA.accountId)).toBe(from);
      expect(description.typedSearchAttributes.get(SA.amountMinor)).toBe(2500);
      await record('happy-path', transferId);
    });
  });

  it('insufficient funds: refused at the hold, FAILED with INSUFFICIENT_FUNDS, nothing held', async () => {
    const { world, transferId, input, from } = setup(1000n);
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      const started = await startTransfer(env.client, input('2500'), { taskQueue, waitMs: 20_000 });
      expect(started.status).toBe('REFUSED');
      const final = await result(transferId);
      expect(final.status).toBe('FAILED');
      expect(final.failureCode).toBe('INSUFFICIENT_FUNDS');
      expect(statuses(final)).toEqual(['PENDING', 'FAILED']);
      expect(world.holds.size).toBe(0);
      expect(world.accounts.get(from)!.available).toBe(1000n);
      expect(world.events.map((e) => e.type)).toEqual(['transfer.failed']);
      await record('insufficient-funds', transferId);
    });
  });

  it('validation: frozen source account → FAILED with ACCOUNT_FROZEN, no hold attempted', async () => {
    const { world, transferId, input, from } = setup();
    world.accounts.get(from)!.status = 'FROZEN';
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      const started = await startTransfer(env.client, input('100'), { taskQueue, waitMs: 20_000 });
      expect(started.status).toBe('REFUSED');
      const final = await result(transferId);
      expect(final.failureCode).toBe('ACCOUNT_FROZEN');
      expect(world.calls.some((c) => c.name === 'holdFunds')).toBe(false);
      await record('account-frozen', transferId);
    });
  });

  it('review approve: above $50,000 waits in AWAITING_REVIEW, approval posts it', async () => {
    const { world, transferId, input } = setup(10_000_000n);
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      const started = await startTransfer(env.client, input('5000001'), {
        taskQueue,
        waitMs: 20_000,
      });
      expect(started.status).toBe('HELD');
      await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'AWAITING_REVIEW',
      );
      const after = await approveTransfer(env.client, transferId, {
        actor: 'usr_support1',
        reason: 'called customer',
      });
      expect(after.review).toMatchObject({ decision: 'APPROVED', actor: 'usr_support1' });
      const final = await result(transferId);
      expect(final.status).toBe('COMPLETED');
      expect(statuses(final)).toEqual([
        'PENDING',
        'FUNDS_HELD',
        'AWAITING_REVIEW',
        'POSTING',
        'COMPLETED',
      ]);
      expect(final.fraud?.decision).toBe('REVIEW');
      expect(final.fraud?.reasons.map((r) => r.rule)).toContain('amount_threshold');
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('POSTED');
      // A second decision is refused: not awaiting review any more.
      await expect(
        rejectTransfer(env.client, transferId, { actor: 'usr_support1', reason: 'late' }),
      ).rejects.toMatchObject({ code: 'INVALID_STATE' });
      await record('review-approve', transferId);
    });
  });

  it('review reject: REJECTED with REVIEW_REJECTED, hold voided', async () => {
    const { world, transferId, input, from } = setup(10_000_000n);
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('6000000'), { taskQueue, waitMs: 20_000 });
      await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'AWAITING_REVIEW',
      );
      await rejectTransfer(env.client, transferId, {
        actor: 'usr_support1',
        reason: 'mule pattern',
      });
      const final = await result(transferId);
      expect(final.status).toBe('REJECTED');
      expect(final.failureCode).toBe('REVIEW_REJECTED');
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('VOIDED');
      expect(world.accounts.get(from)!.available).toBe(10_000_000n);
      expect(world.events.map((e) => e.type)).toContain('transfer.rejected');
      await record('review-reject', transferId);
    });
  });

  it('review timeout: REJECTED with REVIEW_TIMED_OUT, hold voided', async () => {
    const { world, transferId, input } = setup(10_000_000n);
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('6000000', { reviewTimeoutSeconds: 2 }), {
        taskQueue,
        waitMs: 20_000,
      });
      const final = await result(transferId);
      expect(final.status).toBe('REJECTED');
      expect(final.failureCode).toBe('REVIEW_TIMED_OUT');
      expect(final.review?.decision).toBe('TIMED_OUT');
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('VOIDED');
      await record('review-timeout', transferId);
    });
  });

  it('fraud BLOCK: REJECTED with FRAUD_BLOCKED, hold voided', async () => {
    const { world, transferId, input } = setup();
    world.setFraud(() => ({
      score: 99,
      decision: 'BLOCK',
      reasons: [{ rule: 'blocklist', value: 'x', weight: 99 }],
    }));
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('100'), { taskQueue, waitMs: 20_000 });
      const final = await result(transferId);
      expect(final.status).toBe('REJECTED');
      expect(final.failureCode).toBe('FRAUD_BLOCKED');
      expect(final.fraud?.score).toBe(99);
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('VOIDED');
      await record('fraud-block', transferId);
    });
  });

  it('cancel before posting: CANCELLED, hold voided, the cancel update answers with the snapshot', async () => {
    const { world, transferId, input, from } = setup(10_000_000n);
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('6000000', { reviewTimeoutSeconds: 600 }), {
        taskQueue,
        waitMs: 20_000,
      });
      await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'AWAITING_REVIEW',
      );
      const after = await cancelTransfer(env.client, transferId, {
        actor: 'cus_owner',
        reason: 'changed my mind',
      });
      expect(after.status).toBe('CANCELLED');
      expect(after.cancellation).toMatchObject({ actor: 'cus_owner', reason: 'changed my mind' });
      const final = await result(transferId);
      expect(statuses(final)).toEqual(['PENDING', 'FUNDS_HELD', 'AWAITING_REVIEW', 'CANCELLED']);
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('VOIDED');
      expect(world.accounts.get(from)!.available).toBe(10_000_000n);
      expect(world.events.map((e) => e.type)).toContain('transfer.cancelled');
      await record('cancel-before-posting', transferId);
    });
  });

  it('cancel refused after posting started: CANNOT_CANCEL with a reason, transfer completes', async () => {
    const { world, transferId, input } = setup();
    world.failing.add('postHold'); // park in POSTING → NEEDS_ATTENTION while posting
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('100', FAST_RETRY), { taskQueue, waitMs: 20_000 });
      await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'NEEDS_ATTENTION',
      );
      await expect(
        cancelTransfer(env.client, transferId, { actor: 'cus_owner', reason: 'too late?' }),
      ).rejects.toMatchObject({
        code: 'CANNOT_CANCEL',
        message: expect.stringMatching(/Posting has started/),
      });
      world.failing.delete('postHold');
      await retryTransfer(env.client, transferId, { actor: 'usr_ops', reason: 'db back' });
      const final = await result(transferId);
      expect(final.status).toBe('COMPLETED');
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('POSTED');
      // And after completion, cancel is still refused.
      await expect(
        cancelTransfer(env.client, transferId, { actor: 'cus_owner', reason: 'again' }),
      ).rejects.toMatchObject({ code: 'CANNOT_CANCEL' });
      await record('cancel-refused-after-posting', transferId);
    });
  });

  it('NEEDS_ATTENTION then retry: the hold is kept, support retry re-runs the step', async () => {
    const { world, transferId, input, from } = setup();
    world.failing.add('scoreTransfer');
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('700', FAST_RETRY), { taskQueue, waitMs: 20_000 });
      const parked = await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'NEEDS_ATTENTION',
      );
      expect(parked.attention?.step).toBe('score');
      expect(parked.fundsHeld).toBe(true);
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('PENDING');
      expect(world.accounts.get(from)!.available).toBe(100_000n - 700n);
      const description = await env.client.workflow
        .getHandle(workflowIds.transfer(transferId))
        .describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.typedSearchAttributes.get(SA.status)).toBe('NEEDS_ATTENTION');
      // Retry is refused outside NEEDS_ATTENTION; here it is accepted.
      world.failing.delete('scoreTransfer');
      await retryTransfer(env.client, transferId, {
        actor: 'usr_ops',
        reason: 'fraud service restored',
      });
      const final = await result(transferId);
      expect(final.status).toBe('COMPLETED');
      expect(statuses(final)).toEqual([
        'PENDING',
        'FUNDS_HELD',
        'NEEDS_ATTENTION',
        'FUNDS_HELD',
        'POSTING',
        'COMPLETED',
      ]);
      await expect(
        retryTransfer(env.client, transferId, { actor: 'usr_ops', reason: 'again' }),
      ).rejects.toMatchObject({ code: 'INVALID_STATE' });
      await record('attention-retry', transferId);
    });
  });

  it('NEEDS_ATTENTION then cancel: hold voided, CANCELLED', async () => {
    const { world, transferId, input, from } = setup();
    world.failing.add('scoreTransfer');
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      await startTransfer(env.client, input('700', FAST_RETRY), { taskQueue, waitMs: 20_000 });
      await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'NEEDS_ATTENTION',
      );
      const after = await cancelTransfer(env.client, transferId, {
        actor: 'usr_support',
        reason: 'customer asked',
      });
      expect(after.status).toBe('CANCELLED');
      const final = await result(transferId);
      expect(statuses(final)).toEqual(['PENDING', 'FUNDS_HELD', 'NEEDS_ATTENTION', 'CANCELLED']);
      expect(world.holds.get(ledgerIds.hold(transferId))?.state).toBe('VOIDED');
      expect(world.accounts.get(from)!.available).toBe(100_000n);
      await record('attention-cancel', transferId);
    });
  });

  it('NEEDS_ATTENTION before the hold: start helper answers PENDING, the hold is not decided yet', async () => {
    const { world, transferId, input } = setup();
    world.failing.add('holdFunds');
    await withWorker(env, { activities: world.activities }, async (taskQueue) => {
      const started = await startTransfer(env.client, input('700', FAST_RETRY), {
        taskQueue,
        waitMs: 1_500,
      });
      expect(started.status).toBe('PENDING');
      await eventually(
        () => statusOf(transferId),
        (s) => s.status === 'NEEDS_ATTENTION',
      );
      world.failing.delete('holdFunds');
      await retryTransfer(env.client, transferId, { actor: 'usr_ops', reason: 'db back' });
      expect((await result(transferId)).status).toBe('COMPLETED');
      await record('attention-before-hold', transferId);
    });
  });
});
