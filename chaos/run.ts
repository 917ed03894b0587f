/**
 * `npm run chaos` / `npm run chaos:fast`: runs chaos scenarios against the real stack and prints
 * a pass/fail summary per scenario; exits non-zero when any check failed.
 *
 *   tsx chaos/run.ts [--fast] [scenario ...]
 *
 * Full runs use a private stack (see lib/env.ts) because they kill and stop its services; fast
 * runs (races + a short kill of the app processes) use the stack they are given. Each run has its
 * own database (dropped when everything passed), task queue, consumer groups and app processes.
 * The results are also written to .data/chaos-runs/<run>/summary.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRunContext, type RunContext } from './lib/context';
import { appPorts, givenStack, privateStack } from './lib/env';
import type { Scenario, ScenarioOutcome } from './lib/scenario';
import { StackControl } from './lib/stack';
import { kafkaOutage } from './scenarios/kafka-outage';
import { postgresOutage } from './scenarios/postgres-outage';
import { processKillsFast, processKillsFull } from './scenarios/process-kills';
import { races } from './scenarios/races';

const FULL: Scenario[] = [races, processKillsFull, postgresOutage, kafkaOutage];
const FAST: Scenario[] = [races, processKillsFast];
const ALL = [...FULL, processKillsFast];

const log = (line: string) =>
  console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Ran {
  scenario: Scenario;
  outcome?: ScenarioOutcome;
  error?: string;
  ms: number;
}

function render(ran: Ran[], header: string): string {
  const lines = [header, ''];
  for (const r of ran) {
    const ok = !r.error && (r.outcome?.checks.every((c) => c.ok) ?? false);
    lines.push(
      `${ok ? 'PASS' : 'FAIL'}  ${r.scenario.name} (${(r.ms / 1000).toFixed(0)}s): ${r.scenario.description}`,
    );
    for (const c of r.outcome?.checks ?? []) {
      lines.push(`  ${c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`);
    }
    if (r.error) lines.push(`  ✘ error: ${r.error}`);
    for (const n of r.outcome?.notes ?? []) lines.push(`    · ${n}`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const fast = args.includes('--fast');
  const names = args.filter((a) => !a.startsWith('--'));
  const selected = names.length
    ? names.map((n) => {
        const s = ALL.find((x) => x.name === n);
        if (!s)
          throw new Error(`unknown scenario ${n} (known: ${ALL.map((x) => x.name).join(', ')})`);
        return s;
      })
    : fast
      ? FAST
      : FULL;
  const needsControl = selected.some((s) => s.needsStackControl);
  if (fast && needsControl) throw new Error('--fast runs never kill the stack it is given');

  const stack = needsControl ? privateStack() : givenStack();
  let stackControl: StackControl | undefined;
  if (needsControl) {
    stackControl = new StackControl(stack, log);
    log(`private stack in ${stack.harborData} (starting what is not running)`);
    await stackControl.ensureUp();
  }
  log(
    `stack: postgres ${new URL(stack.databaseUrl).host}, redis ${new URL(stack.redisUrl).host}, ` +
      `kafka ${stack.kafkaBrokers}, temporal ${stack.temporalAddress}; api port ${appPorts().api}`,
  );

  const ctx: RunContext = await createRunContext({ stack, stackControl, fast, log });
  const ran: Ran[] = [];
  try {
    for (const scenario of selected) {
      log(`scenario ${scenario.name}: ${scenario.description}`);
      const t0 = Date.now();
      try {
        const outcome = await scenario.run(ctx);
        ran.push({ scenario, outcome, ms: Date.now() - t0 });
      } catch (err) {
        ran.push({
          scenario,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          ms: Date.now() - t0,
        });
      }
      console.log(render(ran.slice(-1), ''));
      // A scenario may leave a process down if it failed midway: bring everything back.
      await ctx.apps
        .startAll()
        .catch((err: unknown) => log(`restarting apps failed: ${String(err)}`));
    }
  } finally {
    const passed = ran.every((r) => !r.error && r.outcome?.checks.every((c) => c.ok));
    const summary = render(
      ran,
      `chaos ${fast ? 'fast' : 'full'} run ${ctx.runId} — ${passed ? 'PASSED' : 'FAILED'}`,
    );
    fs.writeFileSync(path.join(ctx.runDir, 'summary.md'), `${summary}\n`);
    console.log(`\n${summary}\n`);
    log(
      passed
        ? `all passed; dropping database ${ctx.dbName}`
        : `keeping database ${ctx.dbName} and logs in ${ctx.runDir} for inspection`,
    );
    await ctx.close(!passed);
  }
  return ran.every((r) => !r.error && r.outcome?.checks.every((c) => c.ok)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
