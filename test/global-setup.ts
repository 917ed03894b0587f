/**
 * Once per `jest` run: a clean, migrated test database, and the workflow bundle built once so
 * each test file reuses it instead of re-running webpack.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabase, runMigrations } from '../db/client';
import { WORKFLOW_BUNDLE_PATH } from './paths';

export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://bank:bank@127.0.0.1:5433/bank_test';
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
  await admin.query('DROP SCHEMA IF EXISTS drizzle CASCADE');
  await admin.query('CREATE SCHEMA public');
  await admin.end();

  const database = createDatabase(url, { max: 1 });
  await runMigrations(database.db);
  await database.close();

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  await fs.mkdir(path.dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  await fs.writeFile(WORKFLOW_BUNDLE_PATH, code);
}
