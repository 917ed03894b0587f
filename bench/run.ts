/**
 * `npm run bench`: benchmarks 1, 2, 3, 5 and 6 of issue #9 on the running stack, each figure next
 * to a baseline measured in the same run. Writes bench/results/<date>.json, <date>.md and
 * latest.md. `--quick` is a short smoke run; `--only=e2e,ledger,gateway` picks sections.
 */
import { runE2eBench, type E2eResult } from './e2e.bench';
import { runGatewayBench } from './gateway.bench';
import { runLedgerBench } from './ledger.bench';
import type { HistoryProfile } from './lib/history';
import { imageRuntimeEnv } from './lib/image-env';
import {
  atMost,
  compare,
  machineInfo,
  round,
  writeReport,
  type BenchReport,
  type Comparison,
} from './lib/report';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = new Set((onlyArg?.slice('--only='.length) ?? 'e2e,ledger,gateway').split(','));
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

const PLAN = quick
  ? {
      concurrencies: [1, 8],
      e2eSeconds: 5,
      e2eRounds: 1,
      customers: 8,
      ledgerClients: [8],
      ledgerSeconds: 3,
      ledgerAccounts: 50,
      gatewaySeconds: 3,
      profileConcurrency: 8,
    }
  : {
      concurrencies: [1, 8, 32, 128],
      e2eSeconds: 15,
      e2eRounds: 2,
      customers: 16,
      ledgerClients: [8, 32],
      ledgerSeconds: 8,
      ledgerAccounts: 200,
      gatewaySeconds: 10,
      profileConcurrency: 32,
    };
/**
 * Item 6's changes, measured before/after:
 * - the worker's DB pool and its activity slots sized together (slots a little above the pool:
 *   most of the SDK's default 100 slots only queue for a connection);
 * - the image's runtime env for the worker and the API (Dockerfile: V8 heap flags, 2 malloc
 *   arenas). Most of a process's RSS is V8 heap pages: with Node's default limits each isolate
 *   (the worker has two, main and workflow thread) grows far past its live data before it collects.
 */
const RUNTIME_ENV = imageRuntimeEnv();
const GATEWAY_ROUNDS = 4;
const TUNED_WORKER_ENV = {
  DATABASE_POOL_SIZE: '30',
  WORKER_MAX_CONCURRENT_ACTIVITIES: '40',
  ...RUNTIME_ENV,
};
const DEFAULT_WORKER_ENV = { DATABASE_POOL_SIZE: '10' };

const log = (m: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${m}`);

function e2eSection(r: E2eResult): BenchReport['sections'][number] {
  const results: Comparison[] = r.levels.map((l) =>
    compare(
      `transfers/s at concurrency ${l.concurrency}`,
      '/s',
      l.transfers.perSecond,
      'bare workflows/s',
      l.bare.perSecond,
      0.8,
      {
        p50: `${l.transfers.p50Ms} ms`,
        p95: `${l.transfers.p95Ms} ms`,
        p99: `${l.transfers.p99Ms} ms`,
        completed: l.transfers.ok,
        failed: l.transfers.failed,
        'bare p50': `${l.bare.p50Ms} ms`,
        'bare p99': `${l.bare.p99Ms} ms`,
      },
    ),
  );
  if (r.sameMix) {
    const m = r.sameMix;
    results.push(
      compare(
        `transfers/s at concurrency ${m.concurrency}, same-mix baseline (not the target's)`,
        '/s',
        m.transfers.perSecond,
        `bare workflows/s, ${r.profile.transfer.localActivities} of ${r.profile.transfer.activities} no-ops local`,
        m.bare.perSecond,
        undefined,
        {
          p50: `${m.transfers.p50Ms} ms`,
          failed: m.transfers.failed,
          'bare p50': `${m.bare.p50Ms} ms`,
        },
      ),
    );
  }
  const last = r.levels[r.levels.length - 1]!;
  return {
    title: `1. End-to-end transfers through the API (${r.label}, ${r.temporalAddress})`,
    results,
    notes: [
      `Orchestration efficiency = transfers/s ÷ bare workflows/s (target ≥ 0.8). Peak: ${round(r.peak.transfers.perSecond)} transfers/s at concurrency ${r.peak.concurrency}, efficiency ${r.peak.efficiency}.`,
      `Baseline: bareWorkflow with the transfer's activity shape (${r.profile.transfer.activities} activities in batches [${r.profile.transfer.plan.join(', ')}]), every activity a no-op and a regular (task-queue) activity, same Temporal server, started and awaited through the client. The transfer runs ${r.profile.transfer.localActivities} of its ${r.profile.transfer.activities} activities (the account reads and the read-model syncs, short idempotent DB steps) as local activities, the fix of section 6; the baseline keeps all of them regular, i.e. it is what the same number of activities costs without that fix. The same-mix row runs, at the peak concurrency, a baseline whose no-ops are local where the transfer's activities are: what is left once the fix is on both sides.`,
      `Each level runs ${PLAN.e2eRounds} windows of ${PLAN.e2eSeconds} s per side in ABBA order (bare, transfers, transfers, bare), so machine drift lands on both sides. Latency is submit (POST /api/v1/transfers) → workflow result COMPLETED. Levels stop early once throughput grows < 5% (saturation); the top level run was c=${last.concurrency}.`,
      `Worker env: ${JSON.stringify(r.workerEnv)}; API env: ${JSON.stringify(r.apiEnv)}.`,
    ],
  };
}

function memorySection(r: E2eResult): BenchReport['sections'][number] {
  const top = r.levels[r.levels.length - 1]!.concurrency;
  return {
    title: `5. Memory at benchmark 1's top load (concurrency ${top})`,
    results: [
      atMost('worker peak RSS', 'MiB', r.memory.workerMiB, 400, {
        'lifetime VmHWM (incl. start-up bundling)': `${round(r.memory.workerHwmMiB)} MiB`,
      }),
      atMost('API peak RSS', 'MiB', r.memory.apiMiB, 250, {
        'lifetime VmHWM': `${round(r.memory.apiHwmMiB)} MiB`,
      }),
    ],
    notes: [
      'Peak VmRSS sampled every 250 ms from /proc/<pid>/status during the top load level.',
      `Both processes run with the image's runtime env (Dockerfile): ${JSON.stringify(r.apiEnv)}.`,
    ],
  };
}

function profileRows(label: string, p: HistoryProfile, queries?: number): Comparison[] {
  const rows: Comparison[] = [
    compare(`${label}: activities per workflow`, '', p.activities),
    compare(`${label}: of which local activities`, '', p.localActivities),
    compare(`${label}: workflow tasks per workflow`, '', p.workflowTasks),
    compare(`${label}: history events per workflow`, '', p.events),
    compare(`${label}: workflow start → close`, 'ms', p.totalMs),
    compare(`${label}: workflow task queue wait (sum)`, 'ms', p.workflowTaskQueueMs),
    compare(`${label}: workflow task run time (sum)`, 'ms', p.workflowTaskRunMs),
  ];
  if (queries !== undefined)
    rows.push(compare(`${label}: DB queries per transfer (worker + API)`, '', queries));
  for (const [type, a] of Object.entries(p.byActivity)) {
    if (type.endsWith(' (local)')) {
      // No queue and no events of its own: its run time is inside the workflow task run time.
      rows.push(compare(`${label}: ${type}, calls per workflow`, '', a.count));
      continue;
    }
    rows.push(
      compare(
        `${label}: ${type} ×${round(a.count, 2)}`,
        'ms',
        a.queueMs + a.runMs,
        undefined,
        undefined,
        undefined,
        {
          'queue wait': `${round(a.queueMs)} ms`,
          run: `${round(a.runMs)} ms`,
        },
      ),
    );
  }
  return rows;
}

function profileSection(
  before: E2eResult | undefined,
  after: E2eResult,
): BenchReport['sections'][number] {
  const results: Comparison[] = [];
  const at = (r: E2eResult) => r.levels.find((l) => l.concurrency === PLAN.profileConcurrency);
  const b = before && at(before);
  const a = at(after);
  if (b && a) {
    results.push(
      compare(
        `transfers/s at concurrency ${PLAN.profileConcurrency}, after vs before`,
        '/s',
        a.transfers.perSecond,
        `before ${JSON.stringify(before!.workerEnv)}`,
        b.transfers.perSecond,
        undefined,
        { 'p50 after': `${a.transfers.p50Ms} ms`, 'p50 before': `${b.transfers.p50Ms} ms` },
      ),
      compare(
        `efficiency at concurrency ${PLAN.profileConcurrency}, after vs before`,
        '',
        a.efficiency,
        'before',
        b.efficiency,
      ),
    );
    // Memory of the same level, when it is the top one of both runs (the before run has only it).
    if (after.levels[after.levels.length - 1] === a) {
      results.push(
        compare(
          `worker peak RSS at concurrency ${PLAN.profileConcurrency}, after vs before`,
          'MiB',
          after.memory.workerMiB,
          'before',
          before!.memory.workerMiB,
        ),
        compare(
          `API peak RSS at concurrency ${PLAN.profileConcurrency}, after vs before`,
          'MiB',
          after.memory.apiMiB,
          `before ${JSON.stringify(before!.apiEnv)}`,
          before!.memory.apiMiB,
        ),
      );
    }
  }
  results.push(...profileRows('transfer', after.profile.transfer, after.peak.queriesPerTransfer));
  results.push(...profileRows('bare baseline', after.profile.bare));
  return {
    title: '6. Profile: where a transfer spends its time (sampled transfers of the peak level)',
    results,
    notes: [
      'Per-activity figures are summed per workflow: queue wait = scheduled → started, run = started → closed.',
      'DB queries are counted in the worker and API processes by a pg preload (bench/lib/pg-count.js).',
      `Change measured: worker ${JSON.stringify(TUNED_WORKER_ENV)} and API ${JSON.stringify(RUNTIME_ENV)} (after, the image's runtime env) vs worker ${JSON.stringify(DEFAULT_WORKER_ENV)} and API {} (before).`,
    ],
  };
}

async function main(): Promise<void> {
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    sections: [],
  };
  log(`bench ${quick ? '(quick) ' : ''}on ${report.machine.cpus} × ${report.machine.cpuModel}`);

  if (only.has('e2e')) {
    const common = {
      temporalAddress: TEMPORAL_ADDRESS,
      secondsPerLevel: PLAN.e2eSeconds,
      rounds: PLAN.e2eRounds,
      customers: PLAN.customers,
      log,
    };
    const before = quick
      ? undefined
      : await runE2eBench({
          ...common,
          label: 'dev server, before',
          concurrencies: [PLAN.profileConcurrency],
          workerEnv: DEFAULT_WORKER_ENV,
        });
    const after = await runE2eBench({
      ...common,
      label: 'Temporal dev server',
      concurrencies: PLAN.concurrencies,
      workerEnv: TUNED_WORKER_ENV,
      apiEnv: RUNTIME_ENV,
    });
    report.sections.push(e2eSection(after), memorySection(after), profileSection(before, after));
  }

  if (only.has('ledger')) {
    const ledger = await runLedgerBench({
      clients: PLAN.ledgerClients,
      seconds: PLAN.ledgerSeconds,
      accounts: PLAN.ledgerAccounts,
      log,
    });
    const results: Comparison[] = [];
    for (const level of ledger.levels) {
      const c = level.clients;
      for (const [mode, r] of Object.entries(level.modes)) {
        const target = mode === 'single/random' ? 0.7 : undefined;
        results.push(
          compare(
            `${mode} at ${c} clients`,
            '/s',
            r.perSecond,
            'pgbench -N',
            level.pgbenchTps,
            target,
            {
              p50: `${r.p50Ms} ms`,
              p99: `${r.p99Ms} ms`,
              failed: r.failed,
            },
          ),
        );
      }
      for (const kind of ['single', 'hold+post'] as const) {
        const hot = level.modes[`${kind}/hot`];
        const sharded = level.modes[`${kind}/hot-sharded`];
        results.push(
          compare(
            `hot-account improvement, ${kind} at ${c} clients: sharded vs one row`,
            '/s',
            sharded.perSecond,
            'hot, one settlement row',
            hot.perSecond,
          ),
        );
      }
    }
    report.sections.push({
      title: '2. Ledger (service → Postgres, no Temporal/HTTP)',
      results,
      notes: [
        `Random: between ${ledger.accounts} funded accounts. Hot: every transfer debits the USD settlement account (the deposit path). Sharded: settlement split in ${ledger.shards} accounts (activities/ledger/ledger.shards.ts).`,
        'hold+post counts pairs (a hold then its post). pgbench -N (simple update) at the same client count, scale 10.',
        `Ledger invariant after the run: ${ledger.invariantBalanced ? 'balanced' : 'NOT BALANCED'}.`,
      ],
    });
  }

  if (only.has('gateway')) {
    const g = await runGatewayBench({
      seconds: PLAN.gatewaySeconds,
      // Four windows a side: single 10 s windows of the same setup moved the ratio 0.62–0.78 here.
      rounds: quick ? 1 : GATEWAY_ROUNDS,
      connections: 32,
      runtimeEnv: RUNTIME_ENV,
      log,
    });
    report.sections.push({
      title: '3. Gateway: authenticated GET /api/v1/accounts/:id at saturation (autocannon)',
      results: [
        compare('API requests/s', '/s', g.api.rps, 'bare Fastify + same SQL', g.bare.rps, 0.7, {
          'p50 api': `${g.api.p50Ms} ms`,
          'p99 api': `${g.api.p99Ms} ms`,
          'p99 bare': `${g.bare.p99Ms} ms`,
          'non-2xx': g.api.non2xx,
          errors: g.api.errors,
        }),
      ],
      notes: [
        `${g.connections} connections, windows of ${PLAN.gatewaySeconds} s (${quick ? 1 : GATEWAY_ROUNDS} per side, ABBA order), after a 2 s warm-up of both. The API runs with LOG_LEVEL=warn; its peak RSS here: ${round(g.apiPeakRssMiB)} MiB. Both servers run with the image's runtime env ${JSON.stringify(RUNTIME_ENV)}.`,
      ],
    });
  }

  const file = writeReport(report);
  log(`wrote ${file} and bench/results/latest.md`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
