/**
 * Transfers move the business metrics, end to end: the real API (POST /api/v1/transfers, support
 * reject), a real worker with the real activity registry on the stack's Temporal server, and the
 * worker's metrics server with the Postgres-backed gauges. Counters are read as deltas from the
 * prom-client registry (other tests in this jest worker may have moved them already), and both
 * GET /metrics (API) and the worker's /metrics must expose them.
 */
import { sql } from 'drizzle-orm';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import { createActivities } from '../activities';
import { createTestAccount, type TestApp, type TestUser } from '../api/testing/app-fixture';
import { startTransferTestApp, type TransferTestApp } from '../api/testing/transfer-app';
import { uniqueTaskQueue, withWorker } from '../test/harness';
import { expectLedgerBalanced } from '../test/ledger';
import { createLogger } from './logger';
import { installMetricSources } from './metric-sources';
import { registry, serveMetrics } from './metrics';
import { eventually } from '../test/eventually';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let t: TestApp;
let app: TransferTestApp;
let producer: Producer;
let metricsServer: http.Server;
let uninstallSources: () => void = () => undefined;
const taskQueue = uniqueTaskQueue('transfer-metrics');

beforeAll(async () => {
  app = await startTransferTestApp(taskQueue, 'transfer-metrics-test');
  ({ env, t, producer } = app);
  // What bin/worker.ts does: Postgres-backed gauges, served on the worker's metrics port.
  uninstallSources = installMetricSources(t.database.db, { ttlMs: 0 });
  metricsServer = await serveMetrics({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  uninstallSources();
  await new Promise((r) => metricsServer?.close(r));
  await app?.close();
});

/** A counter's value from the registry (0 when the series does not exist yet). */
async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return hit?.value ?? 0;
}

/** A sample's value in Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`)))
      return Number(m[3]);
  }
  return NaN;
}

it('a completed and a rejected transfer move the counters, gauges and both /metrics endpoints', async () => {
  const [alice, bob, support] = await Promise.all([t.customer(), t.customer(), t.support()]);
  const aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 20_000_000n });
  const bobAcc = await createTestAccount(t.database.db, bob.customerId);
  const post = (user: TestUser, url: string, payload: object, key?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { ...user.auth, ...(key ? { 'idempotency-key': key } : {}) },
      payload,
    });
  const statusOf = (id: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/transfers/${id}`, headers: alice.auth });
  const workerScrape = async () => {
    const { port } = metricsServer.address() as AddressInfo;
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  };

  const completed = { currency: 'USD', outcome: 'completed', reason: 'none' };
  const rejected = { currency: 'USD', outcome: 'rejected', reason: 'REVIEW_REJECTED' };
  const voided = { step: 'void_hold', result: 'ok' };
  const before = {
    started: await value('harbor_transfers_started_total', { currency: 'USD' }),
    completed: await value('harbor_transfers_finished_total', completed),
    rejected: await value('harbor_transfers_finished_total', rejected),
    voided: await value('harbor_saga_compensations_total', voided),
  };

  const activities = createActivities({
    db: t.database.db,
    redis: t.redis,
    producer,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
  });
  await withWorker(env, { activities, taskQueue }, async () => {
    const body = { fromAccountId: aliceAcc, toAccountId: bobAcc, currency: 'USD' };
    // 1. Completed.
    const ok = await post(alice, '/transfers', { ...body, amount: 2500 }, 'metrics-ok');
    expect(ok.statusCode).toBe(201);
    await eventually(
      () => statusOf(ok.json().id),
      (r) => r.json().status === 'COMPLETED',
    );

    // 2. Above the review threshold: waits in the review queue, then support rejects it and the
    //    hold is voided (the saga's compensation).
    const big = await post(alice, '/transfers', { ...body, amount: 6_000_000 }, 'metrics-review');
    expect(big.statusCode).toBe(201);
    const bigId = big.json().id as string;
    await eventually(
      () => statusOf(bigId),
      (r) => r.json().status === 'AWAITING_REVIEW',
    );
    // The gauge counts every AWAITING_REVIEW row of the shared test database, which other suites
    // change concurrently: it must match Postgres read around the scrape, and include ours.
    const reviewRows = async () =>
      Number(
        (
          await t.database.db.execute(
            sql`select count(*)::int as n from transfers where status = 'AWAITING_REVIEW'`,
          )
        ).rows[0]!.n,
      );
    const gaugeMatchesPostgres = async () => {
      const low = await reviewRows();
      const gauge = sample(await workerScrape(), 'harbor_transfers_review_queue_size');
      const high = await reviewRows();
      return gauge >= Math.min(low, high) && gauge <= Math.max(low, high);
    };
    expect(
      sample(await workerScrape(), 'harbor_transfers_review_queue_size'),
    ).toBeGreaterThanOrEqual(1);
    await eventually(gaugeMatchesPostgres, (ok) => ok);

    const reject = await post(support, `/support/transfers/${bigId}/reject`, {
      reason: 'could not verify',
    });
    expect(reject.statusCode).toBe(200);
    await eventually(
      () => statusOf(bigId),
      (r) => r.json().status === 'REJECTED',
    );
    // The read model write that records REJECTED is what counts it: wait for the counter.
    await eventually(
      () => value('harbor_transfers_finished_total', rejected),
      (v) => v === before.rejected + 1,
    );
    // After the reject (ours is REJECTED in Postgres) the gauge still tracks Postgres.
    await eventually(gaugeMatchesPostgres, (ok) => ok);
  });

  expect(await value('harbor_transfers_started_total', { currency: 'USD' })).toBe(
    before.started + 2,
  );
  expect(await value('harbor_transfers_finished_total', completed)).toBe(before.completed + 1);
  expect(await value('harbor_saga_compensations_total', voided)).toBe(before.voided + 1);

  // The worker's /metrics: counters, time to complete, queue gauges and the ledger per currency.
  const worker = await workerScrape();
  expect(sample(worker, 'harbor_transfers_finished_total', completed)).toBe(before.completed + 1);
  expect(sample(worker, 'harbor_transfers_finished_total', rejected)).toBe(before.rejected + 1);
  expect(
    sample(worker, 'harbor_transfer_duration_seconds_count', { outcome: 'completed' }),
  ).toBeGreaterThanOrEqual(1);
  expect(sample(worker, 'harbor_saga_compensations_total', voided)).toBe(before.voided + 1);
  expect(sample(worker, 'harbor_transfers_needs_attention')).toBeGreaterThanOrEqual(0);
  expect(sample(worker, 'harbor_ledger_invariant_ok', { currency: 'USD' })).toBe(1);
  expect(
    sample(worker, 'harbor_ledger_totals_minor', {
      currency: 'USD',
      side: 'debits',
      phase: 'posted',
    }),
  ).toBeGreaterThanOrEqual(20_000_000 + 2500);

  // The API's GET /metrics serves the same harbor_* series next to its HTTP metrics.
  const api = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(api.statusCode).toBe(200);
  expect(sample(api.body, 'harbor_transfers_finished_total', completed)).toBe(before.completed + 1);
  expect(
    sample(api.body, 'harbor_http_requests_total', {
      method: 'POST',
      route: '/api/v1/transfers',
      status_code: '201',
    }),
  ).toBeGreaterThanOrEqual(2);

  await expectLedgerBalanced(t.database.db);
});
