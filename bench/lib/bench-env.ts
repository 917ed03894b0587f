/**
 * The benchmark's own database and the environment of its child processes. Everything the bench
 * writes lives in a dedicated database (default `bank_bench`, recreated per run) and on its own
 * Temporal task queues, so it never touches the app's data nor another engineer's workers.
 */
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { createDatabase, runMigrations, type Database } from '../../db/client';

export const ADMIN_URL =
  process.env.BENCH_ADMIN_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://bank:bank@127.0.0.1:5433/bank';

export function databaseUrl(dbName: string, adminUrl = ADMIN_URL): string {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** Drops (if present) and recreates a migrated database; returns its URL. */
export async function freshDatabase(dbName: string, adminUrl = ADMIN_URL): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`bad database name ${dbName}`);
  const admin = new PgClient({ connectionString: databaseUrl('postgres', adminUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(dbName, adminUrl);
  const database = createDatabase(url, { max: 1 });
  try {
    await runMigrations(database.db);
  } finally {
    await database.close();
  }
  return url;
}

/** Drops a bench database (end of a run). */
export async function dropDatabase(dbName: string, adminUrl = ADMIN_URL): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`bad database name ${dbName}`);
  const admin = new PgClient({ connectionString: databaseUrl('postgres', adminUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function openDatabase(url: string, max: number): Database {
  return createDatabase(url, { max });
}

/** Secrets for the bench's own processes only (never the app's). */
export const BENCH_SECRETS = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

/** Environment shared by the bench's worker and API processes. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6380',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
    ...BENCH_SECRETS,
    // The load comes from a handful of users on one IP: the per-user limit is not what we measure.
    RATE_LIMIT_PER_MINUTE: '100000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...extra,
  };
}
