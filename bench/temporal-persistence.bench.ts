/**
 * Benchmark 4 (Temporal persistence): benchmark 1 (end-to-end transfers through the API, and its
 * bare-workflow baseline) on the dev server (SQLite, 1 history shard) and on the Temporal server
 * persisted in PostgreSQL with 8 history shards (`bash infra/stack.sh up --temporal=postgres`,
 * docs/temporal-postgres.md). Both runs use the same machine, Postgres, worker and API code, back
 * to back; the figure is the ratio of their peak transfers/s (PostgreSQL-backed ÷ dev server).
 *
 * As part of `npm run bench`: `const r = await runTemporalPersistenceBench({...}); sections.push(r.section)`.
 * Alone: `node --import tsx bench/temporal-persistence.bench.ts` (env: BENCH_CONCURRENCIES=1,8,32,128
 * BENCH_SECONDS=15 BENCH_ROUNDS=1), which writes bench/results/temporal-persistence/.
 */
import { Connection } from '@temporalio/client';
import { runE2eBench, type E2eOptions, type E2eResult } from './e2e.bench';
import { compare, machineInfo, round, writeReport, type BenchReport } from './lib/report';
import path from 'node:path';

export type ReportSection = BenchReport['sections'][number];

export interface PersistenceBenchOptions {
  /** Dev server (SQLite). Default TEMPORAL_ADDRESS or 127.0.0.1:7233. */
  devAddress?: string;
  /** PostgreSQL-backed server. Default TEMPORAL_PG_ADDRESS or 127.0.0.1:7333. */
  postgresAddress?: string;
  concurrencies?: number[];
  secondsPerLevel?: number;
  customers?: number;
  /**
   * Runs per server, alternating which goes first (dev, pg, then pg, dev, …) so that drift in
   * the shared machine's load does not favour one; each server's best round counts.
   */
  rounds?: number;
  /** API port and metrics port base of the spawned processes (default 3210 / 9574). */
  apiPort?: number;
  metricsPortBase?: number;
  /** Passed through to runE2eBench (worker tuning). */
  workerEnv?: Record<string, string>;
  log?: (message: string) => void;
}

export interface PersistenceBenchResult {
  dev: E2eResult;
  postgres: E2eResult;
  /** Peak transfers/s, PostgreSQL-backed ÷ dev server. */
  ratio: number;
  /** Peak bare workflows/s, PostgreSQL-backed ÷ dev server: Temporal alone, without our code. */
  bareRatio: number;
  section: ReportSection;
}

export const DEV_LABEL = 'dev server (SQLite, 1 shard)';
export const POSTGRES_LABEL = 'PostgreSQL, 8 shards';

/** Fails fast, with the command that starts it, when nothing answers at `address`. */
export async function assertTemporalReachable(address: string, hint: string): Promise<void> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5s' });
    await connection.workflowService.describeNamespace({
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`no usable Temporal server at ${address} (${why}); ${hint}`);
  } finally {
    await connection?.close();
  }
}

const bestBare = (r: E2eResult): number => Math.max(...r.levels.map((l) => l.bare.perSecond));

/** The round with the highest peak transfers/s. */
function best(runs: E2eResult[]): E2eResult {
  return runs.reduce((a, b) => (b.peak.transfers.perSecond > a.peak.transfers.perSecond ? b : a));
}

export async function runTemporalPersistenceBench(
  opts: PersistenceBenchOptions = {},
): Promise<PersistenceBenchResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const devAddress = opts.devAddress ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const postgresAddress =
    opts.postgresAddress ?? process.env.TEMPORAL_PG_ADDRESS ?? '127.0.0.1:7333';
  await assertTemporalReachable(devAddress, 'start it with: bash infra/stack.sh up');
  await assertTemporalReachable(
    postgresAddress,
    'start it with: bash infra/stack.sh up --temporal=postgres',
  );

  const common: Omit<E2eOptions, 'temporalAddress' | 'label' | 'databaseName'> = {
    concurrencies: opts.concurrencies ?? [1, 8, 32, 128],
    secondsPerLevel: opts.secondsPerLevel ?? 15,
    customers: opts.customers,
    apiPort: opts.apiPort ?? 3210,
    metricsPortBase: opts.metricsPortBase ?? 9574,
    workerEnv: opts.workerEnv,
    log,
  };
  const servers = [
    { key: 'dev', label: DEV_LABEL, address: devAddress, db: 'bank_bench_tp_dev' },
    { key: 'postgres', label: POSTGRES_LABEL, address: postgresAddress, db: 'bank_bench_tp_pg' },
  ] as const;
  const runs: Record<'dev' | 'postgres', E2eResult[]> = { dev: [], postgres: [] };
  const rounds = Math.max(1, opts.rounds ?? 1);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      log(`[temporal-persistence] round ${r + 1}/${rounds}: ${s.label} at ${s.address}`);
      runs[s.key].push(
        await runE2eBench({
          ...common,
          temporalAddress: s.address,
          label: s.label,
          databaseName: s.db,
        }),
      );
    }
  }

  const dev = best(runs.dev);
  const postgres = best(runs.postgres);
  const ratio = round(postgres.peak.transfers.perSecond / dev.peak.transfers.perSecond, 3);
  const bareRatio = round(bestBare(postgres) / bestBare(dev), 3);
  const section = persistenceSection(dev, postgres, rounds);
  log(
    `[temporal-persistence] peak transfers/s: ${round(postgres.peak.transfers.perSecond)} (PostgreSQL) ` +
      `vs ${round(dev.peak.transfers.perSecond)} (dev) → ${ratio}; bare workflows/s ratio ${bareRatio}`,
  );
  return { dev, postgres, ratio, bareRatio, section };
}

export function persistenceSection(dev: E2eResult, postgres: E2eResult, rounds = 1): ReportSection {
  const results = [
    compare(
      `peak transfers/s, ${POSTGRES_LABEL}`,
      'transfers/s',
      postgres.peak.transfers.perSecond,
      DEV_LABEL,
      dev.peak.transfers.perSecond,
      undefined,
      {
        concurrency: postgres.peak.concurrency,
        baselineConcurrency: dev.peak.concurrency,
        p99Ms: postgres.peak.transfers.p99Ms,
        baselineP99Ms: dev.peak.transfers.p99Ms,
      },
    ),
    compare(
      `peak bare workflows/s, ${POSTGRES_LABEL}`,
      'workflows/s',
      bestBare(postgres),
      DEV_LABEL,
      bestBare(dev),
    ),
  ];
  // Level by level, where both runs reached it (each stops at its own saturation point).
  for (const level of postgres.levels) {
    const other = dev.levels.find((l) => l.concurrency === level.concurrency);
    if (!other) continue;
    results.push(
      compare(
        `transfers/s at c=${level.concurrency}, ${POSTGRES_LABEL}`,
        'transfers/s',
        level.transfers.perSecond,
        DEV_LABEL,
        other.transfers.perSecond,
        undefined,
        {
          p50Ms: level.transfers.p50Ms,
          p99Ms: level.transfers.p99Ms,
          baselineP50Ms: other.transfers.p50Ms,
          baselineP99Ms: other.transfers.p99Ms,
          failed: level.transfers.failed,
          baselineFailed: other.transfers.failed,
        },
      ),
    );
  }
  return {
    title: 'Temporal persistence: PostgreSQL-backed server vs dev server',
    results,
    notes: [
      `Same machine, Postgres, worker and API; ${postgres.temporalAddress} (temporal-server v1.29.1, ` +
        `postgres12 persistence, 8 history shards) vs ${dev.temporalAddress} (temporal server ` +
        'start-dev of CLI v1.5.1: the same server code, SQLite, 1 shard). Ratio = PostgreSQL ÷ dev.',
      `Best of ${rounds} round(s) per server, alternating which server runs first.`,
      'The dev server is shared with the team’s tests and apps; the PostgreSQL-backed server shares ' +
        'its Postgres with the bank database. See docs/temporal-postgres.md.',
    ],
  };
}

if (require.main === module) {
  const list = (v: string | undefined) => v?.split(',').map(Number);
  const startedAt = new Date().toISOString();
  runTemporalPersistenceBench({
    concurrencies: list(process.env.BENCH_CONCURRENCIES),
    secondsPerLevel: process.env.BENCH_SECONDS ? Number(process.env.BENCH_SECONDS) : undefined,
    rounds: process.env.BENCH_ROUNDS ? Number(process.env.BENCH_ROUNDS) : undefined,
  })
    .then((r) => {
      const file = writeReport(
        { startedAt, machine: machineInfo(), sections: [r.section] },
        path.join(__dirname, 'results', 'temporal-persistence'),
      );
      console.log(`ratio (PostgreSQL ÷ dev) ${r.ratio}, bare ${r.bareRatio}; report ${file}`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
