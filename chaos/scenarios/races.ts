/**
 * Races.
 * 1. Overdraft: 40 concurrent transfers of 1,000 from an account holding 10,000. Exactly the 10
 *    affordable ones complete, the other 30 fail INSUFFICIENT_FUNDS, the balance ends at 0, never
 *    below.
 * 2. One Idempotency-Key sent 100 times at once: one transfer, one workflow run, one hold and one
 *    post, and 100 identical final answers.
 * Then the shared end checks over every transfer of the scenario.
 */
import { randomUUID } from 'node:crypto';
import { workflowIds } from '../../domain/ids';
import { endChecks, topicStart, type CheckResult, type TrackedTransfer } from '../lib/checks';
import { transferIdOf, type ApiResponse, type TransferBody } from '../lib/client';
import { seedParties } from '../lib/context';
import { countsText } from '../lib/load';
import { fundingOf, type Scenario } from '../lib/scenario';

const BALANCE = 10_000n;
const AMOUNT = 1_000;
const RACERS = 40;
const SAME_KEY_COPIES = 100;

export const races: Scenario = {
  name: 'races',
  description: `overdraft race (${RACERS} × ${AMOUNT} from ${BALANCE}) and one Idempotency-Key sent ${SAME_KEY_COPIES} times at once`,
  needsStackControl: false,
  async run(ctx) {
    const notes: string[] = [];
    const checks: CheckResult[] = [];
    const start = await topicStart(ctx.kafka);
    const [payer, payee] = await seedParties(ctx, 'race', {
      customers: 2,
      accountsPerCustomer: 2,
      balance: BALANCE,
    });
    const p = payer!;
    const q = payee!;
    const funding = fundingOf([...p.accounts, ...q.accounts], BALANCE);
    const tracked: TrackedTransfer[] = [];

    // 1. Overdraft race.
    const source = p.accounts[0]!;
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) => {
        const to = q.accounts[i % q.accounts.length]!;
        return p.api
          .post<TransferBody>(
            '/transfers',
            { fromAccountId: source, toAccountId: to, amount: AMOUNT, currency: 'USD' },
            { idempotencyKey: randomUUID() },
          )
          .then((res) => ({ res, to }));
      }),
    );
    const byStatus = new Map<string, number>();
    for (const { res, to } of answers) {
      const label = res.body.error?.code ?? String(res.status);
      byStatus.set(label, (byStatus.get(label) ?? 0) + 1);
      const id = transferIdOf(res);
      if (id)
        tracked.push({
          id,
          fromAccountId: source,
          toAccountId: to,
          fromCustomerId: p.customerId,
          toCustomerId: q.customerId,
          amount: BigInt(AMOUNT),
        });
    }
    notes.push(`overdraft race answers: ${countsText(byStatus)}`);

    // 2. The same key, 100 times at once (another account, so the race above cannot interfere).
    const key = randomUUID();
    const body = {
      fromAccountId: p.accounts[1]!,
      toAccountId: q.accounts[0]!,
      amount: 2_500,
      currency: 'USD',
    };
    const copies: ApiResponse<TransferBody>[] = await Promise.all(
      Array.from({ length: SAME_KEY_COPIES }, () =>
        p.api.post<TransferBody>('/transfers', body, { idempotencyKey: key }),
      ),
    );
    const distinctAnswers = new Set(copies.map((c) => `${c.status} ${JSON.stringify(c.body)}`));
    const ids = new Set(copies.map((c) => transferIdOf(c)));
    const replayed = copies.filter((c) => c.replayed).length;
    const sameId = [...ids][0];
    if (sameId)
      tracked.push({
        id: sameId,
        fromAccountId: body.fromAccountId,
        toAccountId: body.toAccountId,
        fromCustomerId: p.customerId,
        toCustomerId: q.customerId,
        amount: 2_500n,
      });
    const runs: string[] = [];
    if (sameId) {
      for await (const wf of ctx.temporal.workflow.list({
        query: `WorkflowId = '${workflowIds.transfer(sameId)}'`,
      }))
        runs.push(wf.runId);
    }
    notes.push(
      `same key × ${SAME_KEY_COPIES}: ${ids.size} transfer id(s), ${distinctAnswers.size} distinct answer(s) ` +
        `(status ${copies[0]?.status}), ${replayed} replayed from the idempotency store, ${runs.length} workflow run(s)`,
    );
    const sameKeyOk =
      ids.size === 1 && sameId !== undefined && distinctAnswers.size === 1 && runs.length === 1;
    checks.push({
      name: 'same key × 100',
      ok: sameKeyOk,
      detail: `${ids.size} transfer, ${runs.length} workflow run, ${distinctAnswers.size} distinct answer(s) among ${SAME_KEY_COPIES}`,
    });

    const { checks: end, states } = await endChecks(ctx, {
      transfers: tracked,
      funding,
      start,
      terminalWithinMs: 300_000,
    });
    const raced = tracked.filter((t) => t.fromAccountId === source);
    const completed = raced.filter((t) => states.get(t.id)?.status === 'COMPLETED').length;
    const refused = raced.filter(
      (t) =>
        states.get(t.id)?.status === 'FAILED' &&
        states.get(t.id)?.failureCode === 'INSUFFICIENT_FUNDS',
    ).length;
    const affordable = Number(BALANCE / BigInt(AMOUNT));
    const bal = await ctx.ledger.getAccount(source);
    const balance = bal.creditsPosted - bal.debitsPosted;
    checks.push({
      name: 'overdraft race',
      ok:
        raced.length === RACERS &&
        completed === affordable &&
        refused === RACERS - affordable &&
        balance === 0n,
      detail: `${completed} completed (affordable: ${affordable}), ${refused} INSUFFICIENT_FUNDS, balance ${balance} (never below 0: CHECK constraint + funds check)`,
    });
    return { checks: [...checks, ...end], notes };
  },
};
