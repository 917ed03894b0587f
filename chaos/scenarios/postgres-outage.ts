/**
 * Long outage: Postgres down for 2 minutes in the middle of a stream of transfers. Transfers wait
 * (activities retry) or park in NEEDS_ATTENTION with their hold kept; none may fail for it. Once
 * Postgres is back, support retries the parked ones through the support route
 * (POST /support/transfers/:id/retry) and every transfer completes. Then the shared end checks.
 */
import { transferSearchAttributes, transferStatusQuery } from '../../workflows/transfer.messages';
import { endChecks, topicStart, type TrackedTransfer } from '../lib/checks';
import { seedParties, type RunContext } from '../lib/context';
import { countsText, streamTransfers } from '../lib/load';
import { fundingOf, type Scenario } from '../lib/scenario';
import { sleep } from '../lib/wait';

const OUTAGE_MS = Number(process.env.CHAOS_PG_OUTAGE_SECONDS ?? 120) * 1000;
const COUNT = 40;
const BALANCE = 1_000_000n;

/** Transfers of `ids` whose workflow is running and parked in NEEDS_ATTENTION. */
async function parked(ctx: RunContext, transfers: TrackedTransfer[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of transfers) {
    try {
      const snap = await ctx.temporal.workflow
        .getHandle(`transfer-${t.id}`)
        .query(transferStatusQuery);
      if (snap.status === 'NEEDS_ATTENTION') out.push(t.id);
    } catch {
      // closed or unreachable: not parked
    }
  }
  return out;
}

/** Running transfer workflows of this run by their TransferStatus search attribute. */
async function runningByStatus(ctx: RunContext): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const wf of ctx.temporal.workflow.list({
    query: `TaskQueue = '${ctx.taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    const status = wf.typedSearchAttributes.get(transferSearchAttributes.status) ?? 'unknown';
    out.set(status, (out.get(status) ?? 0) + 1);
  }
  return out;
}

export const postgresOutage: Scenario = {
  name: 'postgres-outage',
  description: `Postgres down for ${OUTAGE_MS / 1000}s during ${COUNT} transfers; support retries the parked ones`,
  needsStackControl: true,
  async run(ctx) {
    const notes: string[] = [];
    const stack = ctx.stackControl!;
    const start = await topicStart(ctx.kafka);
    const parties = await seedParties(ctx, 'pgout', {
      customers: 4,
      accountsPerCustomer: 3,
      balance: BALANCE,
    });
    const funding = fundingOf(
      parties.flatMap((p) => p.accounts),
      BALANCE,
    );
    let progress = 0;
    const stream = streamTransfers(parties, {
      count: COUNT,
      concurrency: 8,
      minAmount: 100,
      maxAmount: 5_000,
      onProgress: (d) => (progress = d),
    });
    while (progress < COUNT / 4) await sleep(100);
    const t0 = Date.now();
    await stack.stop('postgres');
    notes.push(`postgres stopped at ${progress}/${COUNT} answered`);
    // Near the end of the outage: where the transfers in flight stand (Temporal, not the read
    // model, which cannot be written while the database is away).
    await sleep(Math.max(0, OUTAGE_MS - 15_000));
    notes.push(
      `running workflows ${((Date.now() - t0) / 1000).toFixed(0)}s into the outage: ${countsText(await runningByStatus(ctx))}`,
    );
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - t0)));
    await stack.up('postgres');
    notes.push(`postgres back after ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    // Apps that gave up while the database was away are restarted, as a supervisor would.
    for (const app of ['worker', 'consumers', 'api'] as const) {
      if (ctx.apps.pidOf(app) === undefined) {
        notes.push(`${app} exited during the outage; restarted`);
        await ctx.apps.start(app);
      }
    }
    const result = await stream;
    notes.push(
      `stream: ${result.transfers.length}/${COUNT}; answers ${countsText(result.answers)}; retried through ${countsText(result.retries)}`,
    );

    // Support retries whatever is parked until nothing is (bounded).
    let retried = 0;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const ids = await parked(ctx, result.transfers);
      for (const id of ids) {
        const res = await ctx.support.post(`/support/transfers/${id}/retry`, {
          reason: 'chaos: database is back',
        });
        if (res.status === 200) retried += 1;
        else notes.push(`support retry ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const settled = await ctx.database.pool.query<{ n: string }>(
        `select count(*)::text as n from transfers where id = any($1)
            and status in ('COMPLETED','FAILED','CANCELLED','REJECTED')`,
        [result.transfers.map((t) => t.id)],
      );
      if (Number(settled.rows[0]?.n) === result.transfers.length || Date.now() > deadline) break;
      await sleep(5_000);
    }
    notes.push(`support retries: ${retried}`);

    const { checks, states } = await endChecks(ctx, {
      transfers: result.transfers,
      funding,
      start,
      terminalWithinMs: 300_000,
    });
    const wrong = result.transfers.filter((t) => states.get(t.id)?.status !== 'COMPLETED');
    checks.unshift({
      name: 'none failed wrongly',
      ok: wrong.length === 0 && result.failures.length === 0,
      detail:
        wrong.length === 0
          ? `all ${result.transfers.length} funded transfers COMPLETED (${retried} after a support retry)`
          : `${wrong.length} did not complete: ${wrong
              .slice(0, 5)
              .map((t) => `${t.id}=${states.get(t.id)?.status}/${states.get(t.id)?.failureCode}`)
              .join(', ')}`,
    });
    return { checks, notes };
  },
};
