/**
 * Polls `fn` until `ok` holds: against real services, effects land asynchronously (a workflow
 * step, a consumer, a read-model write). Fails with the last value after `ms`.
 */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms = 60_000,
  intervalMs = 150,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${describe(v)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v); // e.g. a circular HTTP response
  }
}
