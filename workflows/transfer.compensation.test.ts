/**
 * The hold's compensation (void) on the real ledger is idempotent: it may run after the void
 * already happened, under the saga's own id (a lost reply, a crash) or another one (ops), and the
 * transfer still ends CANCELLED/REJECTED with the hold released once. A hold that was posted is
 * never reported as released: the saga parks in NEEDS_ATTENTION instead.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { like } from 'drizzle-orm';
import {
  cancelTransfer,
  getTransferStatus,
  rejectTransfer,
  startTransfer,
} from '../activities/transfers/transfer.client';
import { ledgerTransfers } from '../db/schema/ledger';
import { ledgerIds, workflowIds } from '../domain/ids';
import { withWorker, workflowEnv } from '../test/harness';
import { createFundedAccount, expectLedgerBalanced, ledgerFixture, uniqueId } from '../test/ledger';
import { createRealTransferActivities } from '../test/transfer-real';
import type { TransferSnapshot } from './transfer.messages';
import type { transferWorkflow } from './transfer.workflow';
import { eventually } from '../test/eventually';

jest.setTimeout(120_000);

const AMOUNT = 6_000_000n; // above the review threshold: the transfer waits in AWAITING_REVIEW
const BALANCE = 10_000_000n;

describe('TransferWorkflow compensation on the real ledger', () => {
  let env: TestWorkflowEnvironment;
  const fx = ledgerFixture({ max: 5 });
  beforeAll(async () => {
    env = await workflowEnv('existing');
  });
  afterAll(async () => {
    await env?.teardown();
    await fx.close();
  });

  /** A transfer parked in AWAITING_REVIEW with its funds held. */
  async function inReview(taskQueue: string) {
    const customerId = uniqueId('cus');
    const from = await createFundedAccount(fx.ledger, { balance: BALANCE, customerId });
    const to = await createFundedAccount(fx.ledger);
    const transferId = uniqueId('trf');
    await startTransfer(
      env.client,
      {
        transferId,
        customerId,
        fromAccountId: from,
        toAccountId: to,
        amount: AMOUNT.toString(),
        currency: 'USD',
        reviewTimeoutSeconds: 600,
      },
      { taskQueue, waitMs: 30_000 },
    );
    await eventually(
      () => getTransferStatus(env.client, transferId),
      (s) => s.status === 'AWAITING_REVIEW',
    );
    expect((await fx.ledger.getBalances(from)).debitsPending).toBe(AMOUNT);
    return { transferId, from, to };
  }

  const result = (transferId: string): Promise<TransferSnapshot> =>
    env.client.workflow
      .getHandle<typeof transferWorkflow>(workflowIds.transfer(transferId))
      .result();

  /** The ledger rows written for a transfer, as `suffix=kind`. */
  async function ledgerRows(transferId: string): Promise<string[]> {
    const rows = await fx.db
      .select({ id: ledgerTransfers.id, kind: ledgerTransfers.kind })
      .from(ledgerTransfers)
      .where(like(ledgerTransfers.id, `${transferId}:%`));
    return rows.map((r) => `${r.id.slice(transferId.length + 1)}=${r.kind}`).sort();
  }

  async function expectBalances(a: { from: string; to: string }, from: bigint, to: bigint) {
    const f = await fx.ledger.getBalances(a.from);
    const t = await fx.ledger.getBalances(a.to);
    expect({
      from: f.posted,
      fromHeld: f.debitsPending,
      to: t.posted,
      toHeld: t.creditsPending,
    }).toEqual({ from, fromHeld: 0n, to, toHeld: 0n });
  }

  it('a lost void reply: the retried void replays under the same id, CANCELLED, released once', async () => {
    const real = createRealTransferActivities(fx.db);
    const voids: { replayed: boolean; reported: boolean }[] = [];
    const activities = {
      ...real.activities,
      // The void commits, then the worker "dies" before reporting it (once).
      async voidHold(input: Parameters<typeof real.activities.voidHold>[0]) {
        const view = await real.activities.voidHold(input);
        const reported = voids.length > 0;
        voids.push({ replayed: view.replayed, reported });
        if (!reported) throw new Error('voidHold: injected lost reply');
        return view;
      },
    };
    await withWorker(env, { activities }, async (taskQueue) => {
      const a = await inReview(taskQueue);
      const after = await cancelTransfer(env.client, a.transferId, {
        actor: 'usr_support',
        reason: 'customer asked',
      });
      expect(after.status).toBe('CANCELLED');
      const final = await result(a.transferId);
      expect(final.timeline.map((t) => t.status)).toEqual([
        'PENDING',
        'FUNDS_HELD',
        'AWAITING_REVIEW',
        'CANCELLED',
      ]);
      expect(final.fundsHeld).toBe(false);
      expect(voids).toEqual([
        { replayed: false, reported: false },
        { replayed: true, reported: true },
      ]);
      expect(await ledgerRows(a.transferId)).toEqual(['hold=pending', 'void=void_pending']);
      await expectBalances(a, BALANCE, 0n);
    });
    await expectLedgerBalanced(fx.db);
  });

  it('the compensation activity twice in a row: the second call is a replay, not a second release', async () => {
    const { activities } = createRealTransferActivities(fx.db);
    await withWorker(env, { activities }, async (taskQueue) => {
      const a = await inReview(taskQueue);
      await rejectTransfer(env.client, a.transferId, { actor: 'usr_rev', reason: 'suspicious' });
      const final = await result(a.transferId);
      expect([final.status, final.failureCode]).toEqual(['REJECTED', 'REVIEW_REJECTED']);
      // The saga's void again (what a retry after a crash sends): replayed, nothing moves.
      const again = await activities.voidHold({
        id: ledgerIds.void(a.transferId),
        pendingId: ledgerIds.hold(a.transferId),
        reference: a.transferId,
      });
      expect(again).toMatchObject({ kind: 'void_pending', replayed: true });
      expect(await ledgerRows(a.transferId)).toEqual(['hold=pending', 'void=void_pending']);
      await expectBalances(a, BALANCE, 0n);
    });
    await expectLedgerBalanced(fx.db);
  });

  it('a hold voided by someone else first (ops): the compensation counts it as done, REJECTED', async () => {
    const { activities } = createRealTransferActivities(fx.db);
    await withWorker(env, { activities }, async (taskQueue) => {
      const a = await inReview(taskQueue);
      const opsVoid = uniqueId('ltr', 'opsvoid');
      await fx.ledger.voidPending({ id: opsVoid, pendingId: ledgerIds.hold(a.transferId) });
      await rejectTransfer(env.client, a.transferId, { actor: 'usr_rev', reason: 'suspicious' });
      const final = await result(a.transferId);
      expect([final.status, final.failureCode]).toEqual(['REJECTED', 'REVIEW_REJECTED']);
      expect(final.timeline.map((t) => t.status)).not.toContain('NEEDS_ATTENTION');
      expect(final.fundsHeld).toBe(false);
      // Released once, by the ops void; the saga wrote no void of its own.
      expect(await ledgerRows(a.transferId)).toEqual(['hold=pending']);
      expect((await fx.ledger.getTransfer(opsVoid)).kind).toBe('void_pending');
      await expectBalances(a, BALANCE, 0n);
    });
    await expectLedgerBalanced(fx.db);
  });

  it('a hold posted behind the saga is not reported as released: NEEDS_ATTENTION at the void', async () => {
    const { activities } = createRealTransferActivities(fx.db);
    await withWorker(env, { activities }, async (taskQueue) => {
      const a = await inReview(taskQueue);
      await fx.ledger.postPending({
        id: uniqueId('ltr', 'rogue'),
        pendingId: ledgerIds.hold(a.transferId),
      });
      const answered = await rejectTransfer(env.client, a.transferId, {
        actor: 'usr_rev',
        reason: 'suspicious',
      });
      const parked = await eventually(
        () => getTransferStatus(env.client, a.transferId),
        (s) => s.status === 'NEEDS_ATTENTION',
      );
      expect(answered.status).not.toBe('REJECTED');
      expect(parked.attention).toMatchObject({
        step: 'void',
        message: expect.stringMatching(/already posted/),
      });
      // The money moved once (by the post); nothing was released or moved again.
      expect(await ledgerRows(a.transferId)).toEqual(['hold=pending']);
      await expectBalances(a, BALANCE - AMOUNT, AMOUNT);
      await env.client.workflow
        .getHandle(workflowIds.transfer(a.transferId))
        .terminate('test cleanup: parked for support on purpose');
    });
    await expectLedgerBalanced(fx.db);
  });
});
