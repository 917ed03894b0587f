/**
 * One trace id across HTTP → Temporal client → workflow → activity → Postgres, with an in-memory
 * exporter. The API here is a minimal Fastify app with the real observability plugin; the
 * workflow is the smoke workflow (its activity runs a real query on the test database), run by a
 * real worker on the stack's Temporal server with the interceptors from telemetry-temporal.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import Fastify from 'fastify';
import pg from 'pg';
import observabilityPlugin from '../api/plugins/observability';
import { smokeWorkflow } from '../workflows/smoke.workflow';
import {
  installTemporalRuntime,
  temporalClientInterceptors,
  temporalWorkerTelemetry,
  WORKFLOW_INTERCEPTOR_MODULES,
} from './telemetry-temporal';
import { instrumentLoadedModules, startTracing, type Tracing } from './tracing';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let restoreModules: () => void = () => undefined;

beforeAll(() => {
  tracing = startTracing({ serviceName: 'harbor-tracing-test', exporter })!;
  // jest's module loader bypasses require hooks: patch the modules this test uses directly.
  restoreModules = instrumentLoadedModules(tracing, { http, pg });
  installTemporalRuntime({});
});

afterAll(async () => {
  restoreModules();
  await tracing?.shutdown();
});

async function waitFor<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for spans; have: ${exporter
          .getFinishedSpans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tracing', () => {
  it('is off without an endpoint or exporter, and idempotent when on', () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    try {
      jest.isolateModules(() => {
        // A fresh copy of the module: nothing started yet in it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('./tracing') as {
          startTracing: typeof startTracing;
          currentTracing: () => unknown;
        };
        expect(fresh.startTracing({ serviceName: 'x' })).toBeUndefined();
        expect(fresh.currentTracing()).toBeUndefined();
      });
      expect(startTracing({ serviceName: 'x' })).toBe(tracing);
    } finally {
      if (saved !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    }
  });

  it('links the HTTP span, the workflow and activity spans and a DB span in one trace', async () => {
    exporter.reset();
    const taskQueue = `tracing-${randomUUID()}`;
    const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });

    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows/smoke.workflow'),
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: {
        trace() {},
        debug() {},
        info() {},
        warn() {},
        error: console.error,
        log() {},
      } as never,
    });
    const telemetry = temporalWorkerTelemetry(tracing);
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace,
      taskQueue,
      workflowBundle: { code },
      interceptors: { activity: telemetry.interceptors?.activity },
      sinks: telemetry.sinks,
      activities: {
        async echo(message: string) {
          const { rows } = await pool.query<{ m: string }>('SELECT $1::text AS m', [message]);
          return rows[0]!.m;
        },
      },
    });

    const connection = await Connection.connect({ address });
    const client = new Client({
      connection,
      namespace,
      interceptors: temporalClientInterceptors(),
    });

    const app = Fastify({ logger: false });
    await app.register(observabilityPlugin);
    app.post('/transfers', async () => {
      const result = await client.workflow.execute(smokeWorkflow, {
        taskQueue,
        workflowId: `tracing-${randomUUID()}`,
        args: ['traced'],
      });
      return { result };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;

    try {
      const res = await worker.runUntil(
        fetch(`http://127.0.0.1:${port}/transfers`, { method: 'POST' }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ result: 'traced' });
      const traceId = res.headers.get('x-trace-id');
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers.get('traceparent')).toContain(traceId);

      await tracing.forceFlush();
      const spans = await waitFor(() => {
        const all = exporter.getFinishedSpans();
        return all.some((s) => s.name.startsWith('RunWorkflow')) ? all : undefined;
      });
      const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
      const find = (pred: (s: ReadableSpan) => boolean, what: string) => {
        const s = inTrace.find(pred);
        if (!s)
          throw new Error(
            `no ${what} span in trace ${traceId}: ${spans.map((x) => x.name).join(', ')}`,
          );
        return s;
      };
      const httpSpan = find(
        (s) => s.kind === SpanKind.SERVER && /POST/.test(s.name),
        'HTTP server',
      );
      find((s) => s.name === 'StartWorkflow:smokeWorkflow', 'client start');
      const run = find((s) => s.name === 'RunWorkflow:smokeWorkflow', 'workflow');
      find((s) => s.name === 'StartActivity:echo', 'workflow → activity');
      const activity = find((s) => s.name === 'RunActivity:echo', 'activity');
      const db = find(
        (s) =>
          s.attributes['db.system'] === 'postgresql' ||
          s.attributes['db.system.name'] === 'postgresql',
        'Postgres',
      );
      // The DB span sits under the activity span, and the workflow span carries the workflow id.
      expect(db.parentSpanContext?.spanId).toBe(activity.spanContext().spanId);
      expect(String(run.attributes.workflowId)).toMatch(/^tracing-/);
      expect(httpSpan.parentSpanContext).toBeUndefined();
    } finally {
      await app.close();
      await connection.close();
      await nativeConnection.close();
      await pool.end();
    }
  });
});
