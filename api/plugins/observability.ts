/**
 * Observability for the API: trace ids on every response and log line, HTTP metrics by route.
 *
 * Register once, right after the metrics plugin: `await app.register(observabilityPlugin)`.
 *
 * - Response headers: `x-trace-id` (32 hex) and, when tracing is on, `traceparent` of the
 *   request's server span, so a caller can find the trace in Tempo/Jaeger.
 * - `request.log` is a child logger bound to `trace_id` (and `span_id`), next to pino's `reqId`,
 *   so even lines written outside the span's async context carry them (the logger's mixin adds
 *   them from the active span elsewhere, and skips them on these bound loggers).
 * - HTTP metrics (`harbor_http_requests_total`, `harbor_http_request_duration_seconds`,
 *   `harbor_http_request_errors_total`) by route template, recorded in platform/metrics.ts.
 * - When the app has `app.metrics` (api/plugins/metrics.ts), every `harbor_*` metric of
 *   platform/metrics.ts is registered into it, so GET /metrics serves transfers, ledger and
 *   Kafka metrics too.
 *
 * With tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT) the trace id still exists: it is taken from an
 * incoming W3C `traceparent`, or generated, so logs and responses stay correlatable.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { bindTraceFields } from '../../platform/log-context';
import { attachHarborMetrics, metrics } from '../../platform/metrics';
import { formatTraceparent } from '../../platform/tracing';

declare module 'fastify' {
  interface FastifyRequest {
    traceId: string;
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A fresh W3C trace id (32 hex digits, never all zero). From `randomUUID`, which draws on a cached
 * entropy pool: `randomBytes(16)` per request was ~4% of the API's CPU on a simple GET.
 */
function newTraceId(): string {
  return randomUUID().replace(/-/g, '');
}

function incomingTraceId(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.traceparent;
  const m = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  return m && m[1] !== '0'.repeat(32) ? m[1] : undefined;
}

interface RequestTraceIds {
  fields: { trace_id: string; span_id?: string };
  /** The server span's `traceparent`, when tracing is on. */
  traceparent?: string;
}

const TRACE_IDS = Symbol('harbor.requestTraceIds');
type RawWithTrace = IncomingMessage & { [TRACE_IDS]?: RequestTraceIds };

/** The active server span's ids, else an incoming W3C trace id, else a fresh one. */
function requestTraceIds(raw: IncomingMessage): RequestTraceIds {
  const sc = trace.getActiveSpan()?.spanContext();
  if (sc && trace.isSpanContextValid(sc)) {
    return {
      fields: { trace_id: sc.traceId, span_id: sc.spanId },
      traceparent: formatTraceparent(sc),
    };
  }
  return { fields: { trace_id: incomingTraceId(raw.headers) ?? newTraceId() } };
}

async function observabilityPlugin(app: FastifyInstance): Promise<void> {
  app.decorateRequest('traceId', '');

  // Fastify creates one child logger per request (bound to reqId); bind the trace ids in that
  // same child rather than a second one (a pino child per request is a measurable cost).
  app.setChildLoggerFactory(function traceBoundLogger(logger, bindings, options, raw) {
    const ids = requestTraceIds(raw);
    (raw as RawWithTrace)[TRACE_IDS] = ids;
    return bindTraceFields(logger, { ...bindings, ...ids.fields }, options);
  });

  app.addHook('onRequest', async (request, reply) => {
    const ids = (request.raw as RawWithTrace)[TRACE_IDS] ?? requestTraceIds(request.raw);
    request.traceId = ids.fields.trace_id;
    if (ids.traceparent) reply.header('traceparent', ids.traceparent);
    reply.header('x-trace-id', request.traceId);
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.addHook('onReady', async () => {
    const appRegistry = (app as unknown as { metrics?: Registry }).metrics;
    if (appRegistry && typeof appRegistry.registerMetric === 'function') {
      attachHarborMetrics(appRegistry);
    }
  });
}

export default fp(observabilityPlugin, { name: 'observability' });
