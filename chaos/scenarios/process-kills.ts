/**
 * Process kills: a stream of transfers through the API while, in turn, each process is killed
 * with SIGKILL and restarted: the worker, the API, the consumers, and (full run, on the private
 * stack) Kafka, Redis, Postgres and the Temporal server. Afterwards every transfer is terminal
 * within a bound, money balances, and each notice was delivered once (shared end checks).
 *
 * Full: 1,000 transfers among 50 accounts (10 customers × 5). Fast: 60 among 8, and only the app
 * processes (it runs against the shared stack). CHAOS_TRANSFERS overrides the count.
 */
import { endChecks, topicStart } from '../lib/checks';
import type { RunContext } from '../lib/context';
import { seedParties } from '../lib/context';
import { countsText, streamTransfers } from '../lib/load';
import { fundingOf, type Scenario, type ScenarioOutcome } from '../lib/scenario';
import type { Service } from '../lib/stack';
import { sleep } from '../lib/wait';

type Target =
  { kind: 'app'; name: 'worker' | 'api' | 'consumers' } | { kind: 'infra'; name: Service };

const APP_TARGETS: Target[] = [
  { kind: 'app', name: 'worker' },
  { kind: 'app', name: 'api' },
  { kind: 'app', name: 'consumers' },
];
const INFRA_TARGETS: Target[] = [
  { kind: 'infra', name: 'kafka' },
  { kind: 'infra', name: 'redis' },
  { kind: 'infra', name: 'postgres' },
  { kind: 'infra', name: 'temporal' },
];
/** Processes whose kill can land between an email's SMTP accept and its `sent` mark. */
const EMAIL_PATH: ReadonlySet<string> = new Set(['worker', 'consumers', 'postgres']);
const BALANCE = 1_000_000n;

async function killAndRestart(ctx: RunContext, t: Target): Promise<number> {
  const t0 = Date.now();
  if (t.kind === 'app') {
    await ctx.apps.kill9(t.name);
    await sleep(1_000);
    await ctx.apps.start(t.name);
  } else {
    const stack = ctx.stackControl!;
    await stack.kill9(t.name);
    await sleep(2_000);
    await stack.up(t.name);
  }
  return Date.now() - t0;
}

function processKills(size: 'full' | 'fast'): Scenario {
  const full = size === 'full';
  const count = Number(process.env.CHAOS_TRANSFERS ?? (full ? 1_000 : 60));
  const customers = full ? 10 : 4;
  const perCustomer = full ? 5 : 2;
  const targets = full ? [...APP_TARGETS, ...INFRA_TARGETS] : APP_TARGETS;
  return {
    name: full ? 'process-kills' : 'process-kills-fast',
    description:
      `${count} transfers among ${customers * perCustomer} accounts; kill -9 and restart, in turn: ` +
      targets.map((t) => t.name).join(', '),
    needsStackControl: full,
    async run(ctx): Promise<ScenarioOutcome> {
      const notes: string[] = [];
      const start = await topicStart(ctx.kafka);
      const parties = await seedParties(ctx, full ? 'kill' : 'kfast', {
        customers,
        accountsPerCustomer: perCustomer,
        balance: BALANCE,
      });
      const funding = fundingOf(
        parties.flatMap((p) => p.accounts),
        BALANCE,
      );

      let progress = 0;
      const t0 = Date.now();
      const stream = streamTransfers(parties, {
        count,
        concurrency: 8,
        minAmount: 100,
        maxAmount: 5_000,
        onProgress: (done) => (progress = done),
      });
      // Kill i happens once (i+1)/(n+1) of the stream has been answered: all during the stream.
      let streamDone = false;
      void stream.finally(() => (streamDone = true));
      try {
        for (let i = 0; i < targets.length; i++) {
          const at = Math.floor(((i + 1) * count) / (targets.length + 1));
          while (progress < at && !streamDone) await sleep(200);
          const t = targets[i]!;
          const ms = await killAndRestart(ctx, t);
          notes.push(
            `kill -9 ${t.name} at ${progress}/${count} answered; back in ${(ms / 1000).toFixed(1)}s`,
          );
        }
      } catch (err) {
        await stream; // never leave the stream running into the next scenario
        throw err;
      }
      const result = await stream;
      const streamMs = Date.now() - t0;
      notes.push(
        `stream: ${result.transfers.length}/${count} transfers in ${(streamMs / 1000).toFixed(0)}s; ` +
          `final answers ${countsText(result.answers)}; retried through ${countsText(result.retries)}`,
      );
      const { checks } = await endChecks(ctx, {
        transfers: result.transfers,
        funding,
        start,
        terminalWithinMs: full ? 600_000 : 300_000,
        // The worker and the consumers send email; a killed Postgres loses the `sent` mark.
        emailPathKills: targets.filter((t) => EMAIL_PATH.has(t.name)).length,
      });
      checks.unshift({
        name: 'api answers',
        ok: result.failures.length === 0 && result.transfers.length === count,
        detail:
          result.failures.length === 0
            ? `all ${count} requests answered with a transfer (same key re-sent on errors)`
            : `${result.failures.length} without a transfer: ${result.failures.slice(0, 3).join(' | ')}`,
      });
      return { checks, notes };
    },
  };
}

export const processKillsFull = processKills('full');
export const processKillsFast = processKills('fast');
