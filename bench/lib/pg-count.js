/**
 * Preload (`node --require bench/lib/pg-count.js`) for the profile: counts the queries a process
 * sends through pg (every drizzle call ends in Client#query) and writes the running totals to
 * $BENCH_PG_COUNT_FILE once a second, so the bench can compute DB round trips per transfer.
 * Plain CommonJS: Temporal's workflow threads inherit the flag and cannot load TypeScript.
 */
'use strict';
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.BENCH_PG_COUNT_FILE;
if (file && isMainThread) {
  const pg = require('pg');
  const counts = { queries: 0, transactions: 0 };
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, ...rest) {
    counts.queries += 1;
    const text = typeof config === 'string' ? config : config && config.text;
    if (typeof text === 'string' && /^\s*begin\b/i.test(text)) counts.transactions += 1;
    return original.call(this, config, ...rest);
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
