/**
 * Preload (`node --import tsx --import ./bench/lib/pg-count.ts`) for the profile: counts the
 * queries a process sends through pg (every drizzle call ends in Client#query) and writes the
 * running totals to $BENCH_PG_COUNT_FILE once a second, so the bench can compute DB round trips
 * per transfer.
 */
import fs from 'node:fs';
import pg from 'pg';

const file = process.env.BENCH_PG_COUNT_FILE;
if (file) {
  const counts = { queries: 0, transactions: 0 };
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function countedQuery(this: unknown, ...args: unknown[]) {
    counts.queries += 1;
    const config = args[0] as string | { text?: unknown } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string' && /^\s*begin\b/i.test(text)) counts.transactions += 1;
    return original.apply(this, args);
  };
  const write = () => {
    try {
      fs.writeFileSync(file, JSON.stringify(counts));
    } catch {
      // read best effort by the bench
    }
  };
  setInterval(write, 1000).unref();
  process.on('exit', write);
}
