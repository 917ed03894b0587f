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
  firstError?: string;
}

/** `op` resolves true for a success, false (or throws) for a failure. */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  op: () => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          if (await op()) latencies.push(performance.now() - t0);
          else failed += 1;
        } catch (err) {
          failed += 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  // The tail (operations in flight at the deadline) is included, for value and baseline alike.
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    ok: latencies.length,
    failed,
    seconds: Math.round(elapsed * 10) / 10,
    perSecond: latencies.length / elapsed,
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    p99Ms: Math.round(percentile(latencies, 99)),
    ...(firstError !== undefined && { firstError }),
  };
}
