/**
 * OpenTelemetry tracing (SDK 2.x). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set, or a caller
 * (a test) passes its own exporter. Call `startTracing()` first thing in an entry point, before
 * fastify, pg, ioredis or kafkajs are required, so the instrumentations can patch them:
 *
 *   // bin/api.ts, bin/worker.ts, bin/consumers.ts — first lines
 *   import { startTracing } from '../platform/tracing';
 *   const tracing = startTracing({ serviceName: 'harbor-api' });
 *   ...
 *   closeWithGrace(async () => { await app.close(); await tracing?.shutdown(); });
 *
 * Propagation is W3C trace context + baggage (`traceparent`, `tracestate`, `baggage`).
 * Spans go out over OTLP/HTTP (protobuf) to `${endpoint}/v1/traces`, batched.
 *
 * Versions: @temporalio/interceptors-opentelemetry 1.24 is built on OTel 1.x internally (its
 * workflow-side spans have the 1.x shape), and the OTel 2.x SDK requires @opentelemetry/api
 * < 1.10. So the app pins api ~1.9, uses SDK 2.12 / instrumentations 0.223, and
 * `workflowSpanProcessor` below converts the workflow spans to the 2.x ReadableSpan shape.
 */
import { context, propagation, trace, type Span, type SpanContext } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import FastifyOtelInstrumentation from '@fastify/otel';

export interface TracingOptions {
  /** `service.name` of this process: harbor-api, harbor-worker, harbor-consumers. */
  serviceName: string;
  /** OTLP base URL (e.g. http://otel-collector:4318). Defaults to OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  /** Export here instead of OTLP (tests: an InMemorySpanExporter). Spans are exported at once. */
  exporter?: SpanExporter;
  /** Install the http, fastify, pg, ioredis and kafkajs instrumentations (default true). */
  instrumentations?: boolean;
  /** Extra resource attributes. */
  attributes?: Record<string, string>;
}

export interface Tracing {
  provider: NodeTracerProvider;
  resource: Resource;
  /** The processor every span goes through; the Temporal workflow exporter sink feeds it too. */
  spanProcessor: SpanProcessor;
  instrumentations: Instrumentation[];
  /** @fastify/otel: route and hook spans, registered on every Fastify instance at creation. */
  fastifyOtel?: FastifyOtelInstrumentation;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** The tracing started in this process, if any. */
export function currentTracing(): Tracing | undefined {
  return active;
}

/**
 * Starts tracing, or returns undefined (and installs nothing) when neither an endpoint nor an
 * exporter is configured. Idempotent: a second call returns the first instance.
 */
export function startTracing(opts: TracingOptions): Tracing | undefined {
  if (active) return active;
  const endpoint = opts.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!opts.exporter && !endpoint) return undefined;

  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: opts.serviceName,
    [ATTR_SERVICE_VERSION]: process.env.APP_VERSION ?? process.env.npm_package_version ?? '0.0.0',
    'deployment.environment.name': process.env.NODE_ENV ?? 'development',
    ...opts.attributes,
  });
  const spanProcessor: SpanProcessor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${endpoint!.replace(/\/+$/, '')}/v1/traces` }),
      );

  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });

  const instrumentations: Instrumentation[] = [];
  let fastifyOtel: FastifyOtelInstrumentation | undefined;
  if (opts.instrumentations !== false) {
    // registerOnInitialization: hooks every Fastify instance as it is created (diagnostics
    // channel), so the API does not need to register the plugin itself.
    fastifyOtel = new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: (route) => /^\/(health|ready|metrics)/.test(route.url),
    });
    instrumentations.push(
      new HttpInstrumentation({
        // Probes and scrapes are noise in traces.
        ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)/.test(req.url ?? ''),
      }),
      fastifyOtel,
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
      new KafkaJsInstrumentation(),
    );
    registerInstrumentations({ tracerProvider: provider, instrumentations });
  }

  active = {
    provider,
    resource,
    spanProcessor,
    instrumentations,
    fastifyOtel,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      for (const i of instrumentations) i.disable();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      active = undefined;
    },
  };
  return active;
}

/**
 * Applies the instrumentations to modules that were loaded without Node's require hooks
 * (jest's module registry bypasses them). Pass the module objects the code under test uses:
 * `instrumentLoadedModules(tracing, { pg: require('pg') })`. Production never needs this.
 */
export function instrumentLoadedModules(
  tracing: Tracing,
  modules: Record<string, unknown>,
): () => void {
  type Def = {
    name: string;
    patch?: (m: unknown, v?: string) => unknown;
    unpatch?: (m: unknown, v?: string) => unknown;
  };
  const undo: (() => void)[] = [];
  for (const instrumentation of tracing.instrumentations) {
    const defs = (
      instrumentation as unknown as { getModuleDefinitions?: () => Def[] }
    ).getModuleDefinitions?.();
    for (const def of defs ?? []) {
      const mod = modules[def.name];
      if (!mod || !def.patch) continue;
      const version = readVersion(def.name);
      def.patch(mod, version);
      undo.push(() => def.unpatch?.(mod, version));
    }
  }
  /** Restores the modules (core modules such as http are shared by every test file of a worker). */
  return () => undo.reverse().forEach((fn) => fn());
}

function readVersion(name: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export { traceLogFields } from './log-context';

/** W3C `traceparent` for a span context. */
export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The active span, if tracing is on and one is recording. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** Shape of a span produced inside the workflow sandbox by the 1.x-based Temporal interceptors. */
interface V1ShapedSpan {
  parentSpanId?: string;
  parentSpanContext?: SpanContext;
  instrumentationLibrary?: { name: string; version?: string; schemaUrl?: string };
  instrumentationScope?: { name: string; version?: string; schemaUrl?: string };
  spanContext(): SpanContext;
}

/**
 * A SpanProcessor for `makeWorkflowExporter`: converts the workflow spans (OTel 1.x shape:
 * parentSpanId, instrumentationLibrary) to the 2.x shape (parentSpanContext, instrumentationScope)
 * and hands them to `target`. Only `onEnd` matters for the sink.
 */
export function workflowSpanProcessor(target: SpanProcessor): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnd(span: ReadableSpan) {
      const s = span as unknown as V1ShapedSpan;
      const sc = s.spanContext();
      if (!s.parentSpanContext && s.parentSpanId) {
        (s as { parentSpanContext?: SpanContext }).parentSpanContext = {
          traceId: sc.traceId,
          spanId: s.parentSpanId,
          traceFlags: sc.traceFlags,
          isRemote: false,
        };
      }
      if (!s.instrumentationScope) {
        (
          s as { instrumentationScope?: V1ShapedSpan['instrumentationScope'] }
        ).instrumentationScope = s.instrumentationLibrary ?? {
          name: '@temporalio/interceptor-workflow',
        };
      }
      target.onEnd(span);
    },
    forceFlush: () => target.forceFlush(),
    shutdown: () => Promise.resolve(),
  };
}
