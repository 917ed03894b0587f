/**
 * 200 parallel transfers from one account that can afford exactly 100: 100 complete, 100 fail with
 * INSUFFICIENT_FUNDS, the available balance never goes below zero, and the invariant holds.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTransfer } from '../activities/transfers/transfer.client';
import { workflowIds } from '../domain/ids';
import { withWorker, workflowEnv } from '../test/harness';
import { createFundedAccount, expectLedgerBalanced, ledgerFixture, uniqueId } from '../test/ledger';
import { createRealTransferActivities } from '../test/transfer-real';
import type { transferWorkflow } from './transfer.workflow';

jest.setTimeout(900_000);

describe('TransferWorkflow concurrency', () => {
  let env: TestWorkflowEnvironment;
  const fx = ledgerFixture({ max: 10 });
  beforeAll(async () => {
    env = await workflowEnv('existing');
  });
  afterAll(async () => {
    await env?.teardown();
    await fx.close();
  });

  it('200 transfers against funds for 100: exactly 100 complete, 100 INSUFFICIENT_FUNDS', async () => {
    const customerId = uniqueId('cus');
    const amount = 1_000n;
    const from = await createFundedAccount(fx.ledger, { balance: amount * 100n, customerId });
    const to = await createFundedAccount(fx.ledger, { balance: 0n });
    const { activities } = createRealTransferActivities(fx.db);

    let minAvailable = amount * 100n;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const b = await fx.ledger.getBalances(from);
        if (b.available < minAvailable) minAvailable = b.available;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const finals = await withWorker(env, { activities }, async (taskQueue) => {
      try {
        const ids = Array.from({ length: 200 }, () => uniqueId('trf'));
        await Promise.all(
          ids.map((transferId) =>
            startTransfer(
              env.client,
              {
                transferId,
                customerId,
                fromAccountId: from,
                toAccountId: to,
                amount: amount.toString(),
                currency: 'USD',
              },
              { taskQueue, waitMs: 100 },
            ),
          ),
        );
        return await Promise.all(
          ids.map((id) =>
            env.client.workflow
              .getHandle<typeof transferWorkflow>(workflowIds.transfer(id))
              .result(),
          ),
        );
      } finally {
        sampling = false;
        await sampler;
      }
    });

    const completed = finals.filter((f) => f.status === 'COMPLETED');
    const refused = finals.filter(
      (f) => f.status === 'FAILED' && f.failureCode === 'INSUFFICIENT_FUNDS',
    );
    expect(completed).toHaveLength(100);
    expect(refused).toHaveLength(100);
    expect(minAvailable >= 0n).toBe(true);
    const fromBal = await fx.ledger.getBalances(from);
    const toBal = await fx.ledger.getBalances(to);
    expect(fromBal.available).toBe(0n);
    expect(fromBal.debitsPending).toBe(0n);
    expect(toBal.posted).toBe(amount * 100n);
    await expectLedgerBalanced(fx.db);
  });
});
