/**
 * Recognises "a dependency is down" among unexpected errors, so the gateway answers 503
 * DEPENDENCY_UNAVAILABLE (retry later) instead of a 500 while Postgres, Redis or Temporal is
 * unreachable. Drizzle and the Temporal client wrap the driver's error, so the cause chain is
 * walked.
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect
// now), 53300 (too many connections).
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;

const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection is closed/i, // ioredis
  /Reached the max retries per request limit/i, // ioredis MaxRetriesPerRequestError
  /Client has encountered a connection error/i, // pg
  /the database system is (starting up|shutting down)/i,
];

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

function isUnavailableOne(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.test(e.code))) {
    return true;
  }
  if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return MESSAGES.some((re) => re.test(message));
}

export function isDependencyUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current; depth += 1) {
    if (isUnavailableOne(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
