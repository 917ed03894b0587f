/** Retries an assertion until it passes or the time is up (for values that settle asynchronously). */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs = 30_000,
  everyMs = 750,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
