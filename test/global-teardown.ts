import fs from 'node:fs/promises';
import { Client } from 'pg';

const BASE_URL = 'postgres://bank:bank@127.0.0.1:5433/bank_test';

export default async function globalTeardown(): Promise<void> {
  const dbName = process.env.HARBOR_TEST_DB_NAME;
  if (dbName && process.env.KEEP_TEST_DB !== '1') {
    const url = new URL(process.env.TEST_DATABASE_URL ?? BASE_URL);
    url.pathname = '/bank_test';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  if (process.env.WORKFLOW_BUNDLE_PATH)
    await fs.rm(process.env.WORKFLOW_BUNDLE_PATH, { force: true });
}
