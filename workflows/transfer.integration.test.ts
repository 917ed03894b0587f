/**
 * TransferWorkflow with the real ledger and read-model activities on the per-run Postgres
 * database: every path ends with the right balances, no leaked hold, the read model current and
 * the ledger invariant holding. Failure injection at every step (an infrastructure failure before
 * or after the real write) proves the compensation and the NEEDS_ATTENTION handling.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  approveTransfer,
  cancelTransfer,
  getTransferStatus,
  rejectTransfer,
  retryTransfer,
  startTransfer,
} from '../activities/transfers/transfer.client';
import { getTransfer } from '../activities/transfers/transfers.service';
import { ledgerIds, workflowIds } from '../domain/ids';
import { withWorker, workflowEnv } from '../test/harness';
import { createFundedAccount, expectLedgerBalanced, ledgerFixture, uniqueId } from '../test/ledger';
import { createRealTransferActivities, type RealTransferActivities } from '../test/transfer-real';
import type { TransferSnapshot } from './transfer.messages';
import type { transferWorkflow } from './transfer.workflow';
import { eventually } from '../test/eventually';

jest.setTimeout(180_000);

const FAST_RETRY = {
  stepRetry: { maximumAttempts: 2, initialIntervalMs: 50, maximumIntervalMs: 100 },
};
type Step = 'getAccountForTransfer' | 'holdFunds' | 'scoreTransfer' | 'postHold';

describe('TransferWorkflow on the real ledger', () => {
  let env: TestWorkflowEnvironment;
  const fx = ledgerFixture({ max: 5 });
  beforeAll(async () => {
    env = await workflowEnv('existing');
  });
  afterAll(async () => {
    await env?.teardown();
    await fx.close();
  });

  /**
   * Real activities, with an injected infrastructure failure at one step: `before` throws before
   * the real call (the write never happened), `after` throws after it (the write committed but
   * the worker never reported it), while `failing.on` is true.
   */
  function activitiesWithFault(step?: Step, when: 'before' | 'after' = 'before') {
    const real = createRealTransferActivities(fx.db);
    const failing = { on: step !== undefined };
    const activities: RealTransferActivities = { ...real.activities };
    if (step) {
      const original = real.activities[step] as (...a: unknown[]) => Promise<unknown>;
      (activities as Record<string, unknown>)[step] = async (...args: unknown[]) => {
        if (failing.on && when === 'before') throw new Error(`${step}: injected outage`);
        const result = await original(...args);
        if (failing.on && when === 'after') throw new Error(`${step}: injected lost reply`);
        return result;
      };
    }
    return { activities, failing, events: real.events };
  }

  async function accounts(balance: bigint) {
    const customerId = uniqueId('cus');
    const from = await createFundedAccount(fx.ledger, { balance, customerId });
    const to = await createFundedAccount(fx.ledger, { balance: 0n });
    return { customerId, from, to };
  }

  const input = (
    a: { customerId: string; from: string; to: string },
    amount: bigint,
    extra: object = {},
  ) => ({
    transferId: uniqueId('trf'),
    customerId: a.customerId,
    fromAccountId: a.from,
    toAccountId: a.to,
    amount: amount.toString(),
    currency: 'USD',
    ...extra,
  });

  const result = (transferId: string) =>
    env.client.workflow
      .getHandle<typeof transferWorkflow>(workflowIds.transfer(transferId))
      .result();

  /** Balances, the hold's resolution, the read model and the invariant, at the end of a path. */
  async function expectSettled(
    a: { from: string; to: string },
    final: TransferSnapshot,
    expected: { from: bigint; to: bigint; resolution: 'post_pending' | 'void_pending' | 'none' },
  ) {
    const from = await fx.ledger.getBalances(a.from);
    const to = await fx.ledger.getBalances(a.to);
    expect({ from: from.posted, to: to.posted }).toEqual({ from: expected.from, to: expected.to });
    expect(from.debitsPending).toBe(0n);
    expect(to.creditsPending).toBe(0n);
    expect(from.available).toBe(expected.from);
    if (expected.resolution === 'none') {
      await expect(fx.ledger.getTransfer(ledgerIds.hold(final.transferId))).rejects.toThrow();
    } else {
      const resolutionId =
        expected.resolution === 'post_pending'
          ? ledgerIds.post(final.transferId)
          : ledgerIds.void(final.transferId);
      expect((await fx.ledger.getTransfer(resolutionId)).kind).toBe(expected.resolution);
    }
    const row = await getTransfer(fx.db, final.transferId);
    expect(row?.status).toBe(final.status);
    expect(row?.timeline).toEqual(final.timeline);
    expect(row?.failureCode).toBe(final.failureCode);
    await expectLedgerBalanced(fx.db);
  }

  it('happy path: money moves once, read model written, invariant holds', async () => {
    const a = await accounts(10_000n);
    const { activities, events } = activitiesWithFault();
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = input(a, 2_500n, { memo: 'dinner' });
      const started = await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      expect(started.status).toBe('HELD');
      const final = await result(t.transferId);
      expect(final.status).toBe('COMPLETED');
      await expectSettled(a, final, { from: 7_500n, to: 2_500n, resolution: 'post_pending' });
      expect(events.map((e) => e.type)).toEqual([
        'transfer.initiated',
        'transfer.funds_held',
        'transfer.completed',
      ]);
    });
  });

  it('insufficient funds: refused, nothing held or moved', async () => {
    const a = await accounts(1_000n);
    const { activities } = activitiesWithFault();
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = input(a, 2_500n);
      const started = await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      expect(started.status).toBe('REFUSED');
      expect(started.transfer.failureCode).toBe('INSUFFICIENT_FUNDS');
      const final = await result(t.transferId);
      await expectSettled(a, final, { from: 1_000n, to: 0n, resolution: 'none' });
    });
  });

  it('frozen source account: ACCOUNT_FROZEN, nothing held', async () => {
    const a = await accounts(10_000n);
    await fx.ledger.setAccountStatus(a.from, 'FROZEN');
    const { activities } = activitiesWithFault();
    await withWorker(env, { activities }, async (taskQueue) => {
      const t = input(a, 100n);
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      const final = await result(t.transferId);
      expect(final.failureCode).toBe('ACCOUNT_FROZEN');
      await expectSettled(a, final, { from: 10_000n, to: 0n, resolution: 'none' });
    });
  });

  it('review approve posts; review reject and review timeout void', async () => {
    const { activities } = activitiesWithFault();
    await withWorker(env, { activities }, async (taskQueue) => {
      const big = 6_000_000n;
      const [ap, rj, to] = await Promise.all([
        accounts(10_000_000n),
        accounts(10_000_000n),
        accounts(10_000_000n),
      ]);
      const tAp = input(ap, big, { reviewTimeoutSeconds: 600 });
      const tRj = input(rj, big, { reviewTimeoutSeconds: 600 });
      const tTo = input(to, big, { reviewTimeoutSeconds: 2 });
      await Promise.all(
        [tAp, tRj, tTo].map((t) => startTransfer(env.client, t, { taskQueue, waitMs: 30_000 })),
      );
      for (const t of [tAp, tRj]) {
        await eventually(
          () => getTransferStatus(env.client, t.transferId),
          (s) => s.status === 'AWAITING_REVIEW',
        );
      }
      await approveTransfer(env.client, tAp.transferId, { actor: 'usr_rev', reason: 'verified' });
      await rejectTransfer(env.client, tRj.transferId, { actor: 'usr_rev', reason: 'suspicious' });
      const [fAp, fRj, fTo] = await Promise.all([
        result(tAp.transferId),
        result(tRj.transferId),
        result(tTo.transferId),
      ]);
      expect([fAp.status, fRj.failureCode, fTo.failureCode]).toEqual([
        'COMPLETED',
        'REVIEW_REJECTED',
        'REVIEW_TIMED_OUT',
      ]);
      await expectSettled(ap, fAp, { from: 4_000_000n, to: big, resolution: 'post_pending' });
      await expectSettled(rj, fRj, { from: 10_000_000n, to: 0n, resolution: 'void_pending' });
      await expectSettled(to, fTo, { from: 10_000_000n, to: 0n, resolution: 'void_pending' });
    });
  });

  it('cancel before posting voids the hold; cancel after posting is refused', async () => {
    const { activities } = activitiesWithFault();
    await withWorker(env, { activities }, async (taskQueue) => {
      const a = await accounts(10_000_000n);
      const t = input(a, 6_000_000n, { reviewTimeoutSeconds: 600 });
      await startTransfer(env.client, t, { taskQueue, waitMs: 30_000 });
      await eventually(
        () => getTransferStatus(env.client, t.transferId),
        (s) => s.status === 'AWAITING_REVIEW',
      );
      await cancelTransfer(env.client, t.transferId, {
        actor: a.customerId,
        reason: 'changed my mind',
      });
      const final = await result(t.transferId);
      expect(final.status).toBe('CANCELLED');
      await expectSettled(a, final, { from: 10_000_000n, to: 0n, resolution: 'void_pending' });

      const b = await accounts(1_000n);
      const t2 = input(b, 400n);
      await startTransfer(env.client, t2, { taskQueue, waitMs: 30_000 });
      const done = await result(t2.transferId);
      await expect(
        cancelTransfer(env.client, t2.transferId, { actor: b.customerId, reason: 'too late' }),
      ).rejects.toMatchObject({ code: 'CANNOT_CANCEL' });
      await expectSettled(b, done, { from: 600n, to: 400n, resolution: 'post_pending' });
    });
  });

  // Failure injection at every step. An outage outlives the retry budget → NEEDS_ATTENTION with
  // the hold (if any) kept; support cancel voids it, support retry finishes the transfer.
  const injections: [Step, 'before' | 'after', 'cancel' | 'retry'][] = [
    ['getAccountForTransfer', 'before', 'cancel'],
    ['holdFunds', 'before', 'cancel'],
    ['holdFunds', 'after', 'cancel'],
    ['holdFunds', 'after', 'retry'],
    ['scoreTransfer', 'before', 'cancel'],
    ['scoreTransfer', 'before', 'retry'],
    ['postHold', 'before', 'retry'],
    ['postHold', 'after', 'retry'],
  ];
  it.each(injections)(
    'outage at %s (%s the write), then support %s',
    async (step, when, action) => {
      const a = await accounts(10_000n);
      const { activities, failing } = activitiesWithFault(step, when);
      await withWorker(env, { activities }, async (taskQueue) => {
        const t = input(a, 3_000n, FAST_RETRY);
        await startTransfer(env.client, t, { taskQueue, waitMs: 1_000 });
        const parked = await eventually(
          () => getTransferStatus(env.client, t.transferId),
          (s) => s.status === 'NEEDS_ATTENTION',
        );
        // Parked, not failed: a hold placed before the outage is still there.
        const held = await fx.ledger.getBalances(a.from);
        const holdCommitted =
          step === 'scoreTransfer' ||
          step === 'postHold' ||
          (step === 'holdFunds' && when === 'after');
        expect(held.debitsPending).toBe(
          holdCommitted && !(step === 'postHold' && when === 'after') ? 3_000n : 0n,
        );
        expect(parked.attention?.step).toBeDefined();
        await expectLedgerBalanced(fx.db);

        failing.on = false;
        if (action === 'cancel') {
          const after = await cancelTransfer(env.client, t.transferId, {
            actor: 'usr_support',
            reason: 'customer asked',
          });
          expect(after.status).toBe('CANCELLED');
          const final = await result(t.transferId);
          await expectSettled(a, final, {
            from: 10_000n,
            to: 0n,
            resolution: holdCommitted ? 'void_pending' : step === 'holdFunds' ? 'none' : 'none',
          });
        } else {
          await retryTransfer(env.client, t.transferId, {
            actor: 'usr_ops',
            reason: 'outage over',
          });
          const final = await result(t.transferId);
          expect(final.status).toBe('COMPLETED');
          await expectSettled(a, final, { from: 7_000n, to: 3_000n, resolution: 'post_pending' });
        }
      });
    },
  );
});
