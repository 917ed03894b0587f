/**
 * Where a chaos run points: the stack (Postgres, Redis, Kafka, Temporal), its data dir (pid
 * files of the services it may kill), and the ports of the app processes the run spawns itself.
 *
 * - Full runs (`npm run chaos`) kill and stop infrastructure, so by default they use a PRIVATE
 *   stack: HARBOR_DATA=<repo>/.data/chaos on offset ports (Postgres 5443, Redis 6390, Kafka 9192,
 *   Temporal 7253), started with infra/stack.sh when it is not running. HARBOR_DATA and the
 *   HARBOR_*_PORT variables override that.
 * - Fast runs (`npm run chaos:fast`) only kill processes they spawned (worker, API, consumers), so
 *   they use the stack they are given: DATABASE_URL, REDIS_URL, KAFKA_BROKERS, TEMPORAL_ADDRESS,
 *   or `infra/stack.sh env` (the main stack by default).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface StackEnv {
  /** Base URL of the Postgres server (the run creates its own database on it). */
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Data dir of the stack (pid files under run/); only set when the run may kill services. */
  harborData?: string;
  /** Env for `bash infra/stack.sh` so that it acts on this stack and no other. */
  stackScriptEnv: NodeJS.ProcessEnv;
}

export interface AppPorts {
  api: number;
  workerMetrics: number;
  workerTemporalMetrics: number;
}

const PRIVATE_PORTS = { pg: '5443', redis: '6390', kafka: '9192', temporal: '7253' } as const;
const SERVICE_URL_VARS = [
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'REDIS_URL',
  'KAFKA_BROKERS',
  'TEMPORAL_ADDRESS',
];

function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The private stack of full runs: our own data dir and ports, never the shared stack's. */
export function privateStack(): StackEnv {
  const harborData = process.env.HARBOR_DATA ?? path.join(REPO_ROOT, '.data', 'chaos');
  const scriptEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HARBOR_DATA: harborData,
    HARBOR_PG_PORT: process.env.HARBOR_PG_PORT ?? PRIVATE_PORTS.pg,
    HARBOR_REDIS_PORT: process.env.HARBOR_REDIS_PORT ?? PRIVATE_PORTS.redis,
    HARBOR_KAFKA_PORT: process.env.HARBOR_KAFKA_PORT ?? PRIVATE_PORTS.kafka,
    HARBOR_TEMPORAL_PORT: process.env.HARBOR_TEMPORAL_PORT ?? PRIVATE_PORTS.temporal,
  };
  // A set URL would make stack.sh treat that service as external and leave it alone.
  for (const v of SERVICE_URL_VARS) delete scriptEnv[v];
  const vars = parseExports(
    execFileSync('bash', [path.join(REPO_ROOT, 'infra', 'stack.sh'), 'env'], {
      env: scriptEnv,
      encoding: 'utf8',
    }),
  );
  return {
    databaseUrl: vars.DATABASE_URL!,
    redisUrl: vars.REDIS_URL!,
    kafkaBrokers: vars.KAFKA_BROKERS!,
    temporalAddress: vars.TEMPORAL_ADDRESS!,
    temporalNamespace: vars.TEMPORAL_NAMESPACE ?? 'default',
    harborData,
    stackScriptEnv: scriptEnv,
  };
}

/** The stack we are given (fast runs): env vars first, else what infra/stack.sh reports. */
export function givenStack(): StackEnv {
  const vars = parseExports(
    execFileSync('bash', [path.join(REPO_ROOT, 'infra', 'stack.sh'), 'env'], {
      env: process.env,
      encoding: 'utf8',
    }),
  );
  return {
    databaseUrl: process.env.DATABASE_URL ?? vars.DATABASE_URL!,
    redisUrl: process.env.REDIS_URL ?? vars.REDIS_URL!,
    kafkaBrokers: process.env.KAFKA_BROKERS ?? vars.KAFKA_BROKERS!,
    temporalAddress: process.env.TEMPORAL_ADDRESS ?? vars.TEMPORAL_ADDRESS!,
    temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    stackScriptEnv: process.env,
  };
}

export function appPorts(): AppPorts {
  const num = (name: string, def: number) => {
    const v = process.env[name];
    return v && /^\d+$/.test(v) ? Number(v) : def;
  };
  const workerMetrics = num('CHAOS_WORKER_METRICS_PORT', 9484);
  return {
    api: num('CHAOS_API_PORT', 3300),
    workerMetrics,
    workerTemporalMetrics: num('CHAOS_WORKER_TEMPORAL_METRICS_PORT', workerMetrics + 2),
  };
}

export function databaseUrlFor(baseUrl: string, dbName: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}
