/**
 * One chaos run's world: a fresh migrated database on the target Postgres, a pre-built workflow
 * bundle, a fake SMTP server (every email the system sends lands here), the app processes with
 * the run's own env (task queue, consumer groups, ports, secrets), a Temporal client, and the
 * fixtures scenarios seed: customers with funded accounts, logged in through the API.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { writeWorkflowBundle } from '../../platform/workflow-bundle';
import { Kafka, logLevel } from 'kafkajs';
import { Client as PgClient } from 'pg';
import { createLedgerService, type LedgerService } from '../../activities/ledger/ledger.service';
import { createUser } from '../../api/lib/users';
import { createDatabase, runMigrations, type Database } from '../../db/client';
import { fraudRules } from '../../db/schema';
import { startFakeSmtp, type FakeSmtp } from '../../test/fakes/smtp';
import { Apps } from './apps';
import { ApiClient } from './client';
import { REPO_ROOT, appPorts, databaseUrlFor, type StackEnv } from './env';
import { type StackControl } from './stack';

export interface Party {
  email: string;
  password: string;
  userId: string;
  customerId: string;
  accounts: string[];
  api: ApiClient;
}

export interface RunContext {
  runId: string;
  runDir: string;
  fast: boolean;
  stack: StackEnv;
  /** Only when the run may kill/stop services (full runs on their private stack). */
  stackControl?: StackControl;
  dbName: string;
  dbUrl: string;
  database: Database;
  ledger: LedgerService;
  apps: Apps;
  temporal: TemporalClient;
  kafka: Kafka;
  smtp: FakeSmtp;
  taskQueue: string;
  /** Anonymous API client (no token). */
  api: ApiClient;
  /** A logged-in support user (the support routes). */
  support: ApiClient;
  log: (line: string) => void;
  close(keepDatabase: boolean): Promise<void>;
}

const PASSWORD = `Chaos-${randomBytes(6).toString('hex')}-Pw!7`;

async function createRunDatabase(baseUrl: string, dbName: string): Promise<string> {
  const admin = new PgClient({ connectionString: databaseUrlFor(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(baseUrl, dbName);
  const database = createDatabase(url, { max: 1 });
  try {
    await runMigrations(database.db);
  } finally {
    await database.close();
  }
  return url;
}

async function dropRunDatabase(baseUrl: string, dbName: string): Promise<void> {
  const admin = new PgClient({ connectionString: databaseUrlFor(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function createRunContext(opts: {
  stack: StackEnv;
  stackControl?: StackControl;
  fast: boolean;
  log: (line: string) => void;
}): Promise<RunContext> {
  const { stack, log } = opts;
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const runId = `${stamp}_${randomBytes(3).toString('hex')}`;
  const runDir = path.join(REPO_ROOT, '.data', 'chaos-runs', runId);
  fs.mkdirSync(runDir, { recursive: true });
  const dbName = `chaos_${runId}`;
  const dbUrl = await createRunDatabase(stack.databaseUrl, dbName);
  log(`run ${runId}: database ${dbName}, logs ${runDir}/logs`);

  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath, { tracing: false });

  const smtp = await startFakeSmtp();
  const ports = appPorts();
  const taskQueue = `chaos-${runId}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    // info: the worker and consumers announce readiness with an info line.
    LOG_LEVEL: 'info',
    KAFKA_LOG_LEVEL: 'error',
    DATABASE_URL: dbUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: stack.redisUrl,
    KAFKA_BROKERS: stack.kafkaBrokers,
    KAFKA_CLIENT_ID: `chaos-${runId}`,
    KAFKA_GROUP_PREFIX: `chaos-${runId}`,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.temporalNamespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    API_HOST: '127.0.0.1',
    API_PORT: String(ports.api),
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ACCESS_TOKEN_TTL_SECONDS: String(6 * 3600),
    // The run is one client machine: per-user and per-IP limits would throttle the scenario itself.
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    METRICS_PORT: String(ports.workerMetrics),
    TEMPORAL_METRICS_BIND: `127.0.0.1:${ports.workerTemporalMetrics}`,
    CONSUMERS_METRICS_PORT: String(ports.workerMetrics + 1),
    SMTP_URL: smtp.url,
    DATA_DIR: runDir,
  };
  fs.writeFileSync(
    path.join(runDir, 'apps.env'),
    Object.entries(env)
      .filter(([k]) => !/SECRET|KEY/.test(k))
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );

  const database = createDatabase(dbUrl, { max: 8 });
  // One inactive rule makes this rule set the scoring set (no velocity/structuring defaults):
  // the scenarios stream many similar transfers, which a real rule set would send to review.
  await database.db.insert(fraudRules).values({
    id: `frl_chaos_${runId}`,
    ruleSet: 'default',
    name: 'chaos: placeholder (inactive)',
    type: 'amount_threshold',
    params: {},
    weight: 0,
    action: 'SCORE',
    active: false,
  });

  const apps = new Apps({ env, runDir, apiPort: ports.api, log });
  try {
    await apps.startAll();
  } catch (err) {
    await apps.stopAll();
    await smtp.close();
    await database.close();
    throw err;
  }

  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new TemporalClient({ connection, namespace: stack.temporalNamespace });
  const kafka = new Kafka({
    clientId: `chaos-checks-${runId}`,
    brokers: stack.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 300 },
  });

  const api = new ApiClient(`http://127.0.0.1:${ports.api}`);
  const supportEmail = `support-${runId}@chaos.harbor`;
  await createUser(database.db, { email: supportEmail, password: PASSWORD, roles: ['support'] });
  const support = api.withToken(await api.login(supportEmail, PASSWORD));

  return {
    runId,
    runDir,
    fast: opts.fast,
    stack,
    stackControl: opts.stackControl,
    dbName,
    dbUrl,
    database,
    ledger: createLedgerService(database.db),
    apps,
    temporal,
    kafka,
    smtp,
    taskQueue,
    api,
    support,
    log,
    async close(keepDatabase) {
      await apps.stopAll();
      await connection.close().catch(() => undefined);
      await smtp.close().catch(() => undefined);
      await database.close().catch(() => undefined);
      if (!keepDatabase) await dropRunDatabase(stack.databaseUrl, dbName).catch(() => undefined);
    },
  };
}

/**
 * `customers` customers with `accountsPerCustomer` checking accounts each, every account funded
 * with `balance` (minor units, USD) from settlement, each customer logged in through the API.
 */
export async function seedParties(
  ctx: RunContext,
  label: string,
  opts: { customers: number; accountsPerCustomer: number; balance: bigint },
): Promise<Party[]> {
  const parties: Party[] = [];
  for (let c = 0; c < opts.customers; c++) {
    const email = `${label}-${c}-${ctx.runId}@chaos.harbor`.toLowerCase();
    const user = await createUser(ctx.database.db, {
      email,
      password: PASSWORD,
      fullName: `Chaos ${label} ${c}`,
      roles: ['customer'],
    });
    const accounts: string[] = [];
    for (let a = 0; a < opts.accountsPerCustomer; a++) {
      const id = `acc_${label}${c}x${a}_${randomBytes(5).toString('hex')}`;
      await ctx.ledger.createAccount({
        id,
        currency: 'USD',
        kind: 'customer',
        type: 'CHECKING',
        customerId: user.customerId!,
      });
      if (opts.balance > 0n) {
        await ctx.ledger.deposit({
          id: `${id}:fund`,
          accountId: id,
          amount: opts.balance,
          currency: 'USD',
          reference: 'chaos funding',
        });
      }
      accounts.push(id);
    }
    const token = await ctx.api.login(email, PASSWORD);
    parties.push({
      email,
      password: PASSWORD,
      userId: user.id,
      customerId: user.customerId!,
      accounts,
      api: ctx.api.withToken(token),
    });
  }
  return parties;
}
