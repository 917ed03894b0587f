/**
 * Kafka outage: Kafka stopped, transfers sent meanwhile. The money must still move and the
 * transfers complete without Kafka; their events are published once Kafka is back (the workflow's
 * outbox retries until Kafka takes them) and none is lost: every expected event id is on the
 * topic and applied once by each consumer (shared end checks).
 */
import { endChecks, TERMINAL, topicStart } from '../lib/checks';
import { seedParties } from '../lib/context';
import { countsText, streamTransfers } from '../lib/load';
import { fundingOf, type Scenario } from '../lib/scenario';
import { sleep } from '../lib/wait';

const COUNT = 24;
const OUTAGE_MS = Number(process.env.CHAOS_KAFKA_OUTAGE_SECONDS ?? 90) * 1000;
const BALANCE = 1_000_000n;

export const kafkaOutage: Scenario = {
  name: 'kafka-outage',
  description: `Kafka down for ${OUTAGE_MS / 1000}s while ${COUNT} transfers run; events published after`,
  needsStackControl: true,
  async run(ctx) {
    const notes: string[] = [];
    const stack = ctx.stackControl!;
    const start = await topicStart(ctx.kafka);
    const parties = await seedParties(ctx, 'kafout', {
      customers: 3,
      accountsPerCustomer: 3,
      balance: BALANCE,
    });
    const funding = fundingOf(
      parties.flatMap((p) => p.accounts),
      BALANCE,
    );
    const t0 = Date.now();
    await stack.stop('kafka');
    const result = await streamTransfers(parties, {
      count: COUNT,
      concurrency: 8,
      minAmount: 100,
      maxAmount: 5_000,
    });
    notes.push(
      `stream during the outage: ${result.transfers.length}/${COUNT}; answers ${countsText(result.answers)}`,
    );
    // While Kafka is still down: has the money moved, and are the transfers complete?
    const ids = result.transfers.map((t) => t.id);
    let completedDuring = 0;
    let postedDuring = 0;
    while (Date.now() - t0 < OUTAGE_MS) {
      const s = await ctx.database.pool.query<{ status: string; n: string }>(
        `select status, count(*)::text as n from transfers where id = any($1) group by status`,
        [ids],
      );
      completedDuring = Number(s.rows.find((r) => r.status === 'COMPLETED')?.n ?? 0);
      const posted = await ctx.database.pool.query<{ n: string }>(
        `select count(*)::text as n from ledger_transfers where kind = 'post_pending' and reference = any($1)`,
        [ids],
      );
      postedDuring = Number(posted.rows[0]?.n ?? 0);
      if (completedDuring === ids.length) break;
      await sleep(2_000);
    }
    const statusDuring = await ctx.database.pool.query<{ status: string; n: string }>(
      `select status, count(*)::text as n from transfers where id = any($1) group by status`,
      [ids],
    );
    notes.push(
      `while Kafka was down (${((Date.now() - t0) / 1000).toFixed(0)}s): ${postedDuring} posted in the ledger, statuses ` +
        countsText(new Map(statusDuring.rows.map((r) => [r.status, Number(r.n)]))),
    );
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - t0)));
    await stack.up('kafka');
    notes.push(`kafka back after ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    for (const app of ['worker', 'consumers', 'api'] as const) {
      if (ctx.apps.pidOf(app) === undefined) {
        notes.push(`${app} exited during the outage; restarted`);
        await ctx.apps.start(app);
      }
    }
    const { checks, states } = await endChecks(ctx, {
      transfers: result.transfers,
      funding,
      start,
      terminalWithinMs: 300_000,
    });
    const done = result.transfers.filter((t) =>
      TERMINAL.includes(states.get(t.id)?.status as never),
    ).length;
    checks.unshift({
      name: 'completes without Kafka',
      ok: completedDuring === ids.length && ids.length === COUNT,
      detail: `${completedDuring}/${COUNT} COMPLETED while Kafka was down (${postedDuring} posted); ${done} terminal after recovery`,
    });
    return { checks, notes };
  },
};
