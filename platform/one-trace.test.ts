/**
 * One trace per request, through the real system: POST /api/v1/transfers on the real app (over
 * HTTP), the Temporal client's update-with-start, the TransferWorkflow and its activities on a
 * worker with the real activity registry and the OpenTelemetry interceptors, the Postgres, Redis
 * and Kafka calls inside, and the consumer that handles the published event. Spans go to an
 * in-memory exporter; every one named below must carry the trace id the API answered with, which
 * is also on the request's log lines.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import ioredis from 'ioredis';
import * as kafkajs from 'kafkajs';
import pg from 'pg';
import { createActivities } from '../activities';
import {
  createTestAccount,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../api/testing/app-fixture';
import { accountSummaryHandler } from '../consumers/account-summary.consumer';
import { startConsumer, type RunningConsumer } from '../consumers/runtime';
import { uniqueTaskQueue, withWorker, workflowEnv } from '../test/harness';
import { expectLedgerBalanced } from '../test/ledger';
import { createKafka } from './kafka';
import { createLogger } from './logger';
import {
  temporalClientInterceptors,
  temporalWorkerTelemetry,
  WORKFLOW_INTERCEPTOR_MODULES,
} from './telemetry-temporal';
import { instrumentLoadedModules, startTracing, type Tracing } from './tracing';
import { eventually } from '../test/eventually';

jest.setTimeout(400_000);

const exporter = new InMemorySpanExporter();
const logLines: Record<string, unknown>[] = [];
let tracing: Tracing;
let restoreModules: () => void = () => undefined;
let env: TestWorkflowEnvironment;
let t: TestApp;
let producer: kafkajs.Producer;
let consumer: RunningConsumer;
let workflowCode: string;
const taskQueue = uniqueTaskQueue('one-trace');

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'harbor-one-trace-test', exporter })!;
  // jest's module registry bypasses require hooks: patch the modules the app and worker use.
  restoreModules = instrumentLoadedModules(tracing, { http, pg, ioredis, kafkajs });
  ({ code: workflowCode } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
  }));
  env = await workflowEnv('existing');
  // The API's Temporal client carries the trace context into the workflow headers.
  const client = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    interceptors: temporalClientInterceptors(),
  });
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(l));
      cb();
    },
  });
  t = await startTestApp(
    {},
    {
      temporal: async () => client,
      config: { TEMPORAL_TASK_QUEUE: taskQueue, TRANSFER_HOLD_WAIT_MS: 60_000 },
      logger: createLogger({ level: 'info', name: 'api', destination }),
    },
  );
  const kafka = createKafka(t.config.KAFKA_BROKERS, 'one-trace-test');
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  consumer = await startConsumer(
    { kafka, db: t.database.db, producer, logger: createLogger({ level: 'silent' }) },
    accountSummaryHandler(),
    { groupId: `one-trace-${taskQueue}` },
  );
  await consumer.ready;
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await t?.close();
  await env?.teardown();
  restoreModules();
  await tracing?.shutdown();
});

it('links HTTP → Temporal client → workflow → activities → Postgres/Redis/Kafka → consumer in one trace', async () => {
  const [alice, bob]: [TestUser, TestUser] = await Promise.all([t.customer(), t.customer()]);
  const aliceAcc = await createTestAccount(t.database.db, alice.customerId, { fund: 100_000n });
  const bobAcc = await createTestAccount(t.database.db, bob.customerId);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;

  const activities = createActivities({
    db: t.database.db,
    redis: t.redis,
    producer,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
  });
  const telemetry = temporalWorkerTelemetry(tracing);
  exporter.reset();

  const { res, transferId } = await withWorker(
    env,
    {
      activities,
      taskQueue,
      workflowBundle: { code: workflowCode },
      interceptors: { activity: telemetry.interceptors?.activity },
      sinks: telemetry.sinks,
    },
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/transfers`, {
        method: 'POST',
        headers: {
          ...alice.auth,
          'content-type': 'application/json',
          'idempotency-key': `one-trace-${taskQueue}`,
          'x-request-id': `req-one-trace-${port}`,
        },
        body: JSON.stringify({
          fromAccountId: aliceAcc,
          toAccountId: bobAcc,
          amount: 1234,
          currency: 'USD',
        }),
      });
      expect(res.status).toBe(201);
      const transferId = ((await res.json()) as { id: string }).id;
      await eventually(
        async () =>
          (
            await t.app.inject({
              url: `/api/v1/transfers/${transferId}`,
              headers: alice.auth,
            })
          ).json<{ status: string }>().status,
        (s) => s === 'COMPLETED',
      );
      // The workflow's own span ends when it returns (after its last read-model write).
      await env.client.workflow.getHandle(`transfer-${transferId}`).result();
      return { res, transferId };
    },
  );

  // The trace id is answered in a header...
  const traceId = res.headers.get('x-trace-id')!;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(res.headers.get('traceparent')).toContain(traceId);

  // ...and is on the request's pino lines, with the request id.
  const requestLines = logLines.filter((l) => l.reqId === `req-one-trace-${port}`);
  expect(requestLines.map((l) => l.msg)).toEqual(
    expect.arrayContaining(['incoming request', 'request completed']),
  );
  for (const line of requestLines) expect(line.trace_id).toBe(traceId);

  // Every hop below is a span of that one trace. The consumer handles the event asynchronously.
  const inTrace = () =>
    exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const has = (pred: (s: ReadableSpan) => boolean) => () => inTrace().some(pred);
  const isConsumer = (s: ReadableSpan) => s.kind === SpanKind.CONSUMER;
  await eventually(() => has(isConsumer)(), Boolean, 30_000).catch(() => undefined);
  await tracing.forceFlush();
  const spans = inTrace();
  const names = spans.map((s) => `${s.name}(${s.instrumentationScope.name})`).join(', ');
  const find = (what: string, pred: (s: ReadableSpan) => boolean): ReadableSpan => {
    const s = spans.find(pred);
    if (!s) throw new Error(`no ${what} span in trace ${traceId}: ${names}`);
    return s;
  };
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const ancestors = (s: ReadableSpan): ReadableSpan[] => {
    const out: ReadableSpan[] = [];
    for (let p = byId.get(s.parentSpanContext?.spanId ?? ''); p;) {
      out.push(p);
      p = byId.get(p.parentSpanContext?.spanId ?? '');
    }
    return out;
  };
  const isDb = (s: ReadableSpan, system: string) =>
    s.attributes['db.system'] === system || s.attributes['db.system.name'] === system;

  const httpSpan = find('HTTP server', (s) => s.kind === SpanKind.SERVER && /POST/.test(s.name));
  expect(httpSpan.parentSpanContext).toBeUndefined(); // the root: the trace starts at the API
  find('fastify', (s) => s.instrumentationScope.name === '@fastify/otel');
  find('Redis (idempotency key)', (s) => isDb(s, 'redis'));
  const start = find('Temporal client start', (s) =>
    /^(UpdateWithStartWorkflow|StartWorkflow):/.test(s.name),
  );
  expect(ancestors(start)).toContain(httpSpan);
  const run = find('workflow', (s) => s.name === 'RunWorkflow:transferWorkflow');
  expect(run.attributes.workflowId).toBe(`transfer-${transferId}`);
  const activitySpans = spans.filter((s) => s.name.startsWith('RunActivity:'));
  expect(activitySpans.map((s) => s.name)).toEqual(
    expect.arrayContaining([
      'RunActivity:holdFunds',
      'RunActivity:postHold',
      'RunActivity:syncTransfer',
      'RunActivity:publishEvents',
    ]),
  );
  const dbInActivity = find(
    'Postgres inside an activity',
    (s) => isDb(s, 'postgresql') && ancestors(s).some((a) => a.name === 'RunActivity:holdFunds'),
  );
  expect(ancestors(dbInActivity)).toContain(run);
  const produce = find('Kafka produce', (s) => s.kind === SpanKind.PRODUCER);
  expect(ancestors(produce).map((s) => s.name)).toContain('RunActivity:publishEvents');
  const consume = find('Kafka consumer', isConsumer);
  // The consumer's own Postgres work (dedupe + read model) is under its processing span.
  find(
    'Postgres inside the consumer',
    (s) => isDb(s, 'postgresql') && ancestors(s).includes(consume),
  );

  await expectLedgerBalanced(t.database.db);
});
