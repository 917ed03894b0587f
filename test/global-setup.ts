/**
 * Once per `jest` run:
 * - a fresh, migrated database of its own (so concurrent runs never share state), dropped again
 *   by global-teardown;
 * - the workflow bundle, built once so every test file reuses it instead of re-running webpack.
 * Both are handed to the test workers through environment variables.
 */
import { writeWorkflowBundle } from '../platform/workflow-bundle';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabase, runMigrations } from '../db/client';
import { REPO_ROOT } from './paths';

const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://bank:bank@127.0.0.1:5433/bank_test';

export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbName = `bank_test_${runId}`;
  const admin = new Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();

  const url = new URL(BASE_URL);
  url.pathname = `/${dbName}`;
  process.env.HARBOR_TEST_DB_NAME = dbName;
  process.env.TEST_DATABASE_URL = url.toString();

  const database = createDatabase(url.toString(), { max: 1 });
  await runMigrations(database.db);
  await database.close();

  const bundlePath = path.join(REPO_ROOT, '.data', 'test', `workflow-bundle-${runId}.js`);
  await writeWorkflowBundle(bundlePath, { tracing: false });
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
}
