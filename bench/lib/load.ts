/** Closed-loop load: `concurrency` loops each run `op` back to back until the time is up. */
import { percentile } from './report';

export interface LoadResult {
  concurrency: number;
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** How many timed windows were summed (rounds interleaved with a baseline's). */
  rounds?: number;
  firstError?: string;
}

/** One timed window's raw outcome, to be summed with others by `summarize`. */
export interface LoadWindow {
  latenciesMs: number[];
  failed: number;
  elapsedSeconds: number;
  firstError?: string;
}

/** `op` resolves true for a success, false (or throws) for a failure. */
export async function loadWindow(
  concurrency: number,
  seconds: number,
  op: () => Promise<boolean>,
): Promise<LoadWindow> {
  const latenciesMs: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          if (await op()) latenciesMs.push(performance.now() - t0);
          else failed += 1;
        } catch (err) {
          failed += 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  // The tail (operations in flight at the deadline) is included, for value and baseline alike.
  return {
    latenciesMs,
    failed,
    elapsedSeconds: (performance.now() - start) / 1000,
    ...(firstError !== undefined && { firstError }),
  };
}

/** Sums windows: rate = successes over the total time, percentiles over all latencies. */
export function summarize(concurrency: number, windows: LoadWindow[]): LoadResult {
  const latencies = windows.flatMap((w) => w.latenciesMs).sort((a, b) => a - b);
  const elapsed = windows.reduce((s, w) => s + w.elapsedSeconds, 0);
  const firstError = windows.find((w) => w.firstError !== undefined)?.firstError;
  return {
    concurrency,
    ok: latencies.length,
    failed: windows.reduce((s, w) => s + w.failed, 0),
    seconds: Math.round(elapsed * 10) / 10,
    perSecond: latencies.length / Math.max(elapsed, 1e-9),
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    p99Ms: Math.round(percentile(latencies, 99)),
    ...(windows.length > 1 && { rounds: windows.length }),
    ...(firstError !== undefined && { firstError }),
  };
}

/** One window, summarised. */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  op: () => Promise<boolean>,
): Promise<LoadResult> {
  return summarize(concurrency, [await loadWindow(concurrency, seconds, op)]);
}
