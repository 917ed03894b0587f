/**
 * Benchmark 1 (end-to-end transfers), 5 (memory) and the profile of 6.
 *
 * `runE2eBench` spawns its OWN worker (bin/worker.ts), API (bin/api.ts) and baseline worker
 * (bench/bare/bare.worker.ts) against the Temporal server it is given, on unique task queues and
 * a dedicated database, so it can be pointed at any Temporal server (dev server, PostgreSQL-backed).
 * At each concurrency it runs, back to back for the same time:
 *  - the baseline: bareWorkflow with the transfer's activity shape (its activity count, local
 *    ones included, in the same per-workflow-task batches), every activity a regular no-op,
 *    started and awaited through the Temporal client;
 *  - transfers: POST /api/v1/transfers (201 once funds are held), then the workflow's result
 *    (COMPLETED), timed from submit.
 * Orchestration efficiency = transfers/s ÷ bare workflows/s.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { writeWorkflowBundle } from '../platform/workflow-bundle';
import type { TransferSnapshot } from '../workflows/transfer.messages';
import { childEnv, dropDatabase, freshDatabase, openDatabase } from './lib/bench-env';
import { averageProfiles, profileHistory, type HistoryProfile } from './lib/history';
import { loadWindow, summarize, type LoadResult, type LoadWindow } from './lib/load';
import { createCustomers, login, type BenchCustomer } from './lib/population';
import { freePort, httpUp, sampleRss, startProcess, type BenchProcess } from './lib/proc';
import { round } from './lib/report';

export interface E2eOptions {
  temporalAddress: string;
  /** Names this run in the report (e.g. "dev server (SQLite)"). */
  label: string;
  concurrencies: number[];
  /** Seconds per window; each level runs `rounds` windows of the baseline and of transfers. */
  secondsPerLevel: number;
  /**
   * Windows per level for each side, in ABBA order (default 2): a shared machine's load drifts,
   * and interleaving spreads that drift over both sides of the ratio.
   */
  rounds?: number;
  /** Default `bench_e2e_<run>`, created for the run and dropped after it. */
  databaseName?: string;
  /** Default: free ports picked at start, so concurrent runs never collide. */
  apiPort?: number;
  metricsPorts?: { worker: number; workerSdk: number; api: number };
  /** Alternative to metricsPorts: worker, worker SDK and API metrics on base, base+1, base+2. */
  metricsPortBase?: number;
  customers?: number;
  /** Extra environment for the worker (tuning: DATABASE_POOL_SIZE, WORKER_* …). */
  workerEnv?: Record<string, string>;
  /** Extra environment for the API (e.g. the image's NODE_OPTIONS). */
  apiEnv?: Record<string, string>;
  /** Stop raising concurrency once throughput grows by less than this factor (default 1.05). */
  saturationGain?: number;
  log?: (message: string) => void;
}

export interface E2eLevel {
  concurrency: number;
  transfers: LoadResult;
  bare: LoadResult;
  /** transfers/s ÷ bare workflows/s */
  efficiency: number;
  /** DB queries the worker + API sent per completed transfer at this level. */
  queriesPerTransfer?: number;
}

/**
 * Like-for-like check at the peak concurrency: the same transfers against a bare workflow that
 * runs the same activities *as the same kind* (local ones local). The headline baseline keeps
 * them all regular; this one shows what is left once the local-activity fix is on both sides.
 */
export interface SameMixLevel {
  concurrency: number;
  transfers: LoadResult;
  bare: LoadResult;
  efficiency: number;
}

export interface E2eResult {
  label: string;
  temporalAddress: string;
  levels: E2eLevel[];
  /** The concurrency with the highest transfers/s. */
  peak: E2eLevel;
  /** Peak VmRSS (MiB) at the top load level, and the lifetime peak (VmHWM, includes start-up). */
  memory: { workerMiB: number; apiMiB: number; workerHwmMiB: number; apiHwmMiB: number };
  /** Averaged over sampled transfers / bare workflows of the peak level. */
  profile: { transfer: HistoryProfile; bare: HistoryProfile };
  /** Present when the transfer runs local activities. */
  sameMix?: SameMixLevel;
  workerEnv: Record<string, string>;
  apiEnv: Record<string, string>;
}

const PROFILE_SAMPLES = 10;

interface PgCounts {
  queries: number;
  transactions: number;
}

function readCounts(file: string): PgCounts {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PgCounts;
  } catch {
    return { queries: 0, transactions: 0 };
  }
}

/** Runs `a` and `b` in ABBA order (a, b, b, a, …): a drifting machine load weighs on both. */
async function abba(rounds: number, a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? [a, b] : [b, a]) await side();
  }
}

export async function runE2eBench(opts: E2eOptions): Promise<E2eResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const run = randomUUID().slice(0, 8);
  const apiPort = opts.apiPort ?? (await freePort());
  const portBase = opts.metricsPortBase;
  const ports = opts.metricsPorts ??
    (portBase !== undefined
      ? { worker: portBase, workerSdk: portBase + 1, api: portBase + 2 }
      : undefined) ?? {
      worker: await freePort(),
      workerSdk: await freePort(),
      api: await freePort(),
    };
  const dbName = opts.databaseName ?? `bench_e2e_${run}`;
  const taskQueue = `bench-${run}`;
  const bareQueue = `bench-bare-${run}`;
  const countDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbor-bench-'));
  const workerCounts = path.join(countDir, 'worker.json');
  const apiCounts = path.join(countDir, 'api.json');
  const countPreload = ['--require', path.join(__dirname, 'lib', 'pg-count.js')];
  // Built ahead, as a deployment does (`npm run build:workflows`): no webpack in the worker.
  const workflowBundle = await writeWorkflowBundle(path.join(countDir, 'workflow-bundle.js'));

  log(`[e2e ${opts.label}] database ${dbName}, queue ${taskQueue}, API port ${apiPort}`);
  const dbUrl = await freshDatabase(dbName);
  const base = {
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ACCESS_TOKEN_TTL_SECONDS: '7200',
  };
  const procs: BenchProcess[] = [];
  const connection = await Connection.connect({ address: opts.temporalAddress });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  try {
    const workerEnv = opts.workerEnv ?? {};
    const apiEnv = opts.apiEnv ?? {};
    const started = await Promise.allSettled([
      startProcess({
        name: 'worker',
        script: 'bin/worker.ts',
        nodeArgs: countPreload,
        env: childEnv({
          ...base,
          LOG_LEVEL: 'info',
          METRICS_PORT: String(ports.worker),
          TEMPORAL_METRICS_BIND: `127.0.0.1:${ports.workerSdk}`,
          BENCH_PG_COUNT_FILE: workerCounts,
          WORKFLOW_BUNDLE_PATH: workflowBundle,
          ...workerEnv,
        }),
        readyOutput: /worker started/,
      }),
      startProcess({
        name: 'api',
        script: 'bin/api.ts',
        nodeArgs: countPreload,
        env: childEnv({
          ...base,
          API_PORT: String(apiPort),
          METRICS_PORT: String(ports.api),
          BENCH_PG_COUNT_FILE: apiCounts,
          ...apiEnv,
        }),
        ready: () => httpUp(`http://127.0.0.1:${apiPort}/health`),
      }),
      startProcess({
        name: 'bare-worker',
        script: 'bench/bare/bare.worker.ts',
        env: childEnv({ TEMPORAL_ADDRESS: opts.temporalAddress, TEMPORAL_TASK_QUEUE: bareQueue }),
        readyOutput: /bare worker started/,
      }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') procs.push(s.value);
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    const [worker, api] = procs as [BenchProcess, BenchProcess, BenchProcess];

    const apiBase = `http://127.0.0.1:${apiPort}`;
    const nCustomers = opts.customers ?? 64;
    const database = openDatabase(dbUrl, 4);
    let customers: BenchCustomer[];
    try {
      customers = await createCustomers(database.db, nCustomers, 10_000_000_000n);
    } finally {
      await database.close();
    }
    const tokens = await Promise.all(customers.map((c) => login(apiBase, c.email)));
    log(`[e2e ${opts.label}] ${customers.length} customers funded and signed in`);

    let completedIds: string[] = [];
    const transferOnce = async (): Promise<boolean> => {
      const i = Math.floor(Math.random() * customers.length);
      let j = Math.floor(Math.random() * (customers.length - 1));
      if (j >= i) j += 1;
      const res = await fetch(`${apiBase}/api/v1/transfers`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens[i]}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          fromAccountId: customers[i]!.accountId,
          toAccountId: customers[j]!.accountId,
          amount: 100 + Math.floor(Math.random() * 900),
          currency: 'USD',
        }),
      });
      const body = (await res.json()) as { workflowId?: string; error?: { code: string } };
      if ((res.status !== 201 && res.status !== 202) || !body.workflowId) {
        throw new Error(`POST /transfers ${res.status} ${body.error?.code ?? ''}`);
      }
      const final = await client.workflow.getHandle(body.workflowId).result();
      completedIds.push(body.workflowId);
      return (final as TransferSnapshot).status === 'COMPLETED';
    };

    // Warm up (bundles loaded, connections open) and learn the transfer's activity shape.
    for (let k = 0; k < 3; k++) {
      if (!(await transferOnce())) throw new Error('warm-up transfer did not complete');
    }
    const shape = profileHistory(
      (await client.workflow.getHandle(completedIds[0]!).fetchHistory()).events ?? [],
    );
    const plan = shape.plan;
    log(`[e2e ${opts.label}] transfer shape: ${shape.activities} activities, batches ${plan}`);
    const bareIds: string[] = [];
    const bareRun = async (args: number[][]): Promise<boolean> => {
      const workflowId = `bench-bare-${randomUUID()}`;
      const done = await client.workflow.execute('bareWorkflow', {
        taskQueue: bareQueue,
        workflowId,
        args,
      });
      bareIds.push(workflowId);
      return done === shape.activities;
    };
    const bareOnce = () => bareRun([plan]);
    const bareSameMixOnce = () => bareRun([plan, shape.localPlan]);
    await bareOnce();

    const levels: E2eLevel[] = [];
    const gain = opts.saturationGain ?? 1.05;
    let memory = { workerMiB: 0, apiMiB: 0 };
    let peakSamples = { transfer: [] as string[], bare: [] as string[] };
    for (const concurrency of opts.concurrencies) {
      bareIds.length = 0;
      completedIds = [];
      const bareWindows: LoadWindow[] = [];
      const transferWindows: LoadWindow[] = [];
      const peakRss = { worker: 0, api: 0 };
      let queries = 0;
      const measureTransfers = async () => {
        const before = [readCounts(workerCounts), readCounts(apiCounts)];
        const rss = sampleRss([worker, api]);
        transferWindows.push(await loadWindow(concurrency, opts.secondsPerLevel, transferOnce));
        const peak = rss.stop();
        peakRss.worker = Math.max(peakRss.worker, peak.worker ?? 0);
        peakRss.api = Math.max(peakRss.api, peak.api ?? 0);
        await new Promise((r) => setTimeout(r, 1_100)); // the counters are flushed once a second
        const after = [readCounts(workerCounts), readCounts(apiCounts)];
        queries +=
          after[0]!.queries - before[0]!.queries + (after[1]!.queries - before[1]!.queries);
      };
      const measureBare = async () => {
        bareWindows.push(await loadWindow(concurrency, opts.secondsPerLevel, bareOnce));
      };
      await abba(opts.rounds ?? 2, measureBare, measureTransfers);
      const bare = summarize(concurrency, bareWindows);
      const transfers = summarize(concurrency, transferWindows);
      const bareSample = bareIds.slice(-PROFILE_SAMPLES);
      const level: E2eLevel = {
        concurrency,
        transfers,
        bare,
        efficiency: round(transfers.perSecond / Math.max(bare.perSecond, 1e-9), 3),
        ...(transfers.ok > 0 && { queriesPerTransfer: round(queries / transfers.ok, 1) }),
      };
      levels.push(level);
      memory = { workerMiB: peakRss.worker, apiMiB: peakRss.api };
      log(
        `[e2e ${opts.label}] c=${concurrency}: ${round(transfers.perSecond)} transfers/s ` +
          `(p50 ${transfers.p50Ms} p95 ${transfers.p95Ms} p99 ${transfers.p99Ms} ms, ${transfers.failed} failed` +
          `${transfers.firstError ? `: ${transfers.firstError}` : ''}) vs ${round(bare.perSecond)} bare/s → ` +
          `${level.efficiency}; worker ${round(memory.workerMiB)} MiB, api ${round(memory.apiMiB)} MiB`,
      );
      const best = Math.max(...levels.slice(0, -1).map((l) => l.transfers.perSecond), 0);
      if (best === 0 || transfers.perSecond >= best) {
        peakSamples = { transfer: completedIds.slice(-PROFILE_SAMPLES), bare: bareSample };
      }
      if (levels.length > 1 && transfers.perSecond < best * gain) {
        log(`[e2e ${opts.label}] saturated at c=${concurrency}`);
        break;
      }
    }

    const histories = async (ids: string[]) =>
      Promise.all(
        ids.map(async (id) =>
          profileHistory((await client.workflow.getHandle(id).fetchHistory()).events ?? []),
        ),
      );
    const profile = {
      transfer: averageProfiles(await histories(peakSamples.transfer)),
      bare: averageProfiles(await histories(peakSamples.bare)),
    };
    const peakLevel = levels.reduce((a, b) =>
      b.transfers.perSecond > a.transfers.perSecond ? b : a,
    );
    let sameMix: SameMixLevel | undefined;
    if (shape.localActivities > 0) {
      const c = peakLevel.concurrency;
      const bareWindows: LoadWindow[] = [];
      const transferWindows: LoadWindow[] = [];
      await abba(
        opts.rounds ?? 2,
        async () => {
          bareWindows.push(await loadWindow(c, opts.secondsPerLevel, bareSameMixOnce));
        },
        async () => {
          transferWindows.push(await loadWindow(c, opts.secondsPerLevel, transferOnce));
        },
      );
      const bare = summarize(c, bareWindows);
      const transfers = summarize(c, transferWindows);
      sameMix = {
        concurrency: c,
        transfers,
        bare,
        efficiency: round(transfers.perSecond / Math.max(bare.perSecond, 1e-9), 3),
      };
      log(
        `[e2e ${opts.label}] same-mix baseline at c=${c}: ${round(transfers.perSecond)} transfers/s ` +
          `vs ${round(bare.perSecond)} bare/s (${shape.localActivities} of ${shape.activities} local) → ${sameMix.efficiency}`,
      );
    }
    const hwm = (p: BenchProcess) =>
      Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1] ?? 0) /
      1024;
    return {
      label: opts.label,
      temporalAddress: opts.temporalAddress,
      levels,
      peak: peakLevel,
      memory: { ...memory, workerHwmMiB: hwm(worker), apiHwmMiB: hwm(api) },
      profile,
      ...(sameMix && { sameMix }),
      workerEnv,
      apiEnv,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await connection.close();
    fs.rmSync(countDir, { recursive: true, force: true });
    if (!opts.databaseName) await dropDatabase(dbName).catch(() => undefined);
  }
}
