/**
 * Benchmark 3: an authenticated GET /api/v1/accounts/:id on the real API process (bin/api.ts)
 * at saturation, driven by autocannon, next to a bare Fastify route running the same SQL
 * (bench/gateway/bare-server.ts). Both are separate processes on the same database.
 */
import autocannon from 'autocannon';
import { childEnv, freshDatabase, openDatabase } from './lib/bench-env';
import { createCustomers, login } from './lib/population';
import { freePort, httpUp, sampleRss, startProcess, type BenchProcess } from './lib/proc';

export interface GatewayOptions {
  /** Seconds per autocannon window; `rounds` windows each for the API and the baseline. */
  seconds: number;
  /** Default 2 (ABBA: bare, api, api, bare). */
  rounds?: number;
  connections: number;
  apiPort?: number;
  barePort?: number;
  databaseName?: string;
  /** Environment of both servers, e.g. the image's runtime env (NODE_OPTIONS, MALLOC_ARENA_MAX). */
  runtimeEnv?: Record<string, string>;
  log?: (m: string) => void;
}

export interface CannonFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  total: number;
}

export interface GatewayResult {
  api: CannonFigures;
  bare: CannonFigures;
  connections: number;
  apiPeakRssMiB: number;
}

async function cannon(
  url: string,
  seconds: number,
  connections: number,
  headers: Record<string, string> = {},
): Promise<CannonFigures> {
  const r = await autocannon({ url, duration: seconds, connections, headers });
  return {
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.requests.total,
  };
}

/** Windows summed: rps over the total time; latency percentiles weighted by request count. */
function combine(windows: CannonFigures[], seconds: number): CannonFigures {
  const total = windows.reduce((s, w) => s + w.total, 0);
  const weighted = (pick: (w: CannonFigures) => number) =>
    Math.round(windows.reduce((s, w) => s + pick(w) * w.total, 0) / Math.max(total, 1));
  return {
    rps: total / (seconds * windows.length),
    p50Ms: weighted((w) => w.p50Ms),
    p99Ms: weighted((w) => w.p99Ms),
    non2xx: windows.reduce((s, w) => s + w.non2xx, 0),
    errors: windows.reduce((s, w) => s + w.errors, 0),
    total,
  };
}

export async function runGatewayBench(opts: GatewayOptions): Promise<GatewayResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const apiPort = opts.apiPort ?? (await freePort());
  const barePort = opts.barePort ?? (await freePort());
  const metricsPort = await freePort();
  const dbUrl = await freshDatabase(opts.databaseName ?? 'bank_bench_gateway');
  const procs: BenchProcess[] = [];
  try {
    const started = await Promise.allSettled([
      startProcess({
        name: 'api',
        script: 'bin/api.ts',
        env: childEnv({
          DATABASE_URL: dbUrl,
          API_PORT: String(apiPort),
          METRICS_PORT: String(metricsPort),
          TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
          ...opts.runtimeEnv,
        }),
        ready: () => httpUp(`http://127.0.0.1:${apiPort}/health`),
      }),
      startProcess({
        name: 'bare',
        script: 'bench/gateway/bare-server.ts',
        env: childEnv({ DATABASE_URL: dbUrl, BARE_PORT: String(barePort), ...opts.runtimeEnv }),
        ready: () => httpUp(`http://127.0.0.1:${barePort}/accounts/x`),
      }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') procs.push(s.value);
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    const [api] = procs as [BenchProcess, BenchProcess];
    const database = openDatabase(dbUrl, 2);
    const [customer] = await createCustomers(database.db, 1, 1_000_000n).finally(() =>
      database.close(),
    );
    const token = await login(`http://127.0.0.1:${apiPort}`, customer!.email);
    const apiUrl = `http://127.0.0.1:${apiPort}/api/v1/accounts/${customer!.accountId}`;
    const bareUrl = `http://127.0.0.1:${barePort}/accounts/${customer!.accountId}`;
    const auth = { authorization: `Bearer ${token}` };
    const check = await fetch(apiUrl, { headers: auth });
    if (check.status !== 200) throw new Error(`GET account through the API: ${check.status}`);
    // Warm both (JIT, pools), then measure the baseline and the API back to back.
    await cannon(bareUrl, 2, opts.connections);
    await cannon(apiUrl, 2, opts.connections, auth);
    // Windows in ABBA order (bare, api, api, bare, …) so a drifting machine load weighs on both.
    const bareWindows: CannonFigures[] = [];
    const apiWindows: CannonFigures[] = [];
    let apiPeakRssMiB = 0;
    const measureApi = async () => {
      const rss = sampleRss([api]);
      apiWindows.push(await cannon(apiUrl, opts.seconds, opts.connections, auth));
      apiPeakRssMiB = Math.max(apiPeakRssMiB, rss.stop().api ?? 0);
    };
    const measureBare = async () => {
      bareWindows.push(await cannon(bareUrl, opts.seconds, opts.connections));
    };
    for (let round = 0; round < (opts.rounds ?? 2); round++) {
      for (const measure of round % 2 === 0 ? [measureBare, measureApi] : [measureApi, measureBare])
        await measure();
    }
    const bareFigures = combine(bareWindows, opts.seconds);
    const apiFigures = combine(apiWindows, opts.seconds);
    log(
      `[gateway] api ${apiFigures.rps.toFixed(0)} rps (p99 ${apiFigures.p99Ms} ms, ${apiFigures.non2xx} non-2xx) ` +
        `vs bare ${bareFigures.rps.toFixed(0)} rps (p99 ${bareFigures.p99Ms} ms)`,
    );
    return { api: apiFigures, bare: bareFigures, connections: opts.connections, apiPeakRssMiB };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}
