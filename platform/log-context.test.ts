/**
 * Every log line carries the active trace (trace_id, span_id) and, inside an activity, the
 * workflow id; a request logger bound to its trace never repeats the keys.
 */
import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { MockActivityEnvironment } from '@temporalio/testing';
import { bindTraceFields } from './log-context';
import { createLogger } from './logger';
import { startTracing, type Tracing } from './tracing';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function capture() {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ level: 'info', name: 'log-context-test', destination });
  const lines = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, raw, lines };
}

// The real tracing setup (async-local-storage context manager), with no instrumentations.
let tracing: Tracing | undefined;
beforeAll(() => {
  tracing = startTracing({
    serviceName: 'log-context-test',
    exporter: new InMemorySpanExporter(),
    instrumentations: false,
  });
});
afterAll(() => tracing?.shutdown());

/** Runs fn with a (non-recording) span of a known trace active, as the OTel SDK would. */
function inSpan<T>(fn: () => T): T {
  const span = trace.wrapSpanContext({
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  return context.with(trace.setSpan(context.active(), span), fn);
}

describe('log context mixin', () => {
  it('adds trace_id and span_id of the active span, and nothing outside one', () => {
    const { logger, lines } = capture();
    inSpan(() => logger.child({ reqId: 'req-1' }).info('inside'));
    logger.info('outside');
    const [inside, outside] = lines() as [Record<string, unknown>, Record<string, unknown>];
    expect(inside).toMatchObject({ msg: 'inside', trace_id: TRACE_ID, span_id: SPAN_ID });
    expect(inside.reqId).toBe('req-1');
    expect(outside.msg).toBe('outside');
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('workflow_id');
  });

  it('adds the workflow id and activity type inside an activity', async () => {
    const { logger, lines } = capture();
    const env = new MockActivityEnvironment({
      activityType: 'syncTransfer',
      workflowExecution: { workflowId: 'transfer-trf_123', runId: 'run-1' },
    });
    await env.run(async () => inSpan(() => logger.info('in activity')));
    expect(lines()[0]).toMatchObject({
      msg: 'in activity',
      workflow_id: 'transfer-trf_123',
      activity: 'syncTransfer',
      trace_id: TRACE_ID,
    });
  });

  it('does not repeat trace keys on a logger bound to a request trace, or its children', () => {
    const { logger, raw, lines } = capture();
    const bound = bindTraceFields(logger, { trace_id: 'f'.repeat(32), span_id: 'e'.repeat(16) });
    inSpan(() => {
      bound.info('bound');
      bound.child({ step: 'x' }).info('grandchild');
    });
    bound.info('after the span ended');
    expect(raw).toHaveLength(3);
    for (const line of raw) expect(line.match(/"trace_id"/g)).toHaveLength(1);
    expect(lines().map((l) => l.trace_id)).toEqual(Array(3).fill('f'.repeat(32)));
  });
});
