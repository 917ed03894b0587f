/**
 * Temporal ↔ OpenTelemetry and Temporal SDK metrics.
 *
 * Wiring (what the entry points call):
 *
 *   // bin/worker.ts (after startTracing)
 *   installTemporalRuntime({ metricsBindAddress: '127.0.0.1:9466', logger });   // before any connection
 *   const worker = await Worker.create({
 *     ...,
 *     workflowsPath: require.resolve('../workflows'),   // or a bundle built with
 *                                                       // workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES
 *     ...temporalWorkerTelemetry(),                     // interceptors + the workflow span sink
 *   });
 *   serveMetrics({ port: cfg.METRICS_PORT, temporalMetricsUrl: 'http://127.0.0.1:9466/metrics' });
 *
 *   // api (Temporal client)
 *   new Client({ connection, namespace, interceptors: temporalClientInterceptors() });
 *
 * The workflow interceptors are part of the workflow bundle, so every worker of a task queue
 * must run the same bundle: they are always included (tracing on or off) and the sink is always
 * injected (a no-op when tracing is off). That keeps replays deterministic.
 */
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';
import { DefaultLogger, Runtime, type Logger, type WorkerOptions } from '@temporalio/worker';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentTracing, workflowSpanProcessor, type Tracing } from './tracing';

/** Modules to bundle as workflow interceptors (`bundleWorkflowCode({ workflowInterceptorModules })`). */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** Client interceptors: a span per start/signal/update/query, with the context in the headers. */
export function temporalClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

const noopProcessor: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Worker options that add tracing: activity interceptors (a span per activity, trace ids on the
 * activity logger), workflow interceptor modules (used when the worker bundles from
 * `workflowsPath`), and the `exporter` sink that carries workflow spans out of the sandbox.
 */
export function temporalWorkerTelemetry(
  tracing: Tracing | undefined = currentTracing(),
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const processor = tracing ? workflowSpanProcessor(tracing.spanProcessor) : noopProcessor;
  const resource = tracing?.resource ?? resourceFromAttributes({ 'service.name': 'harbor-worker' });
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      workflowModules: WORKFLOW_INTERCEPTOR_MODULES,
    },
    sinks: {
      // The interceptors package types SpanProcessor/Resource against OTel 1.x; the sink only calls
      // onEnd and attaches the resource, and workflowSpanProcessor converts the span shape.
      exporter: makeWorkflowExporter(processor as never, resource as never),
    },
  };
}

export interface TemporalRuntimeOptions {
  /** host:port for the Core SDK's Prometheus exporter; omit to disable SDK metrics. */
  metricsBindAddress?: string;
  logger?: Logger;
  /** Tags on every SDK metric, e.g. { service: 'harbor-worker' }. */
  globalTags?: Record<string, string>;
}

/** Runtime.install options with the Core SDK metrics on a Prometheus endpoint. */
export function temporalRuntimeOptions(
  opts: TemporalRuntimeOptions,
): Parameters<typeof Runtime.install>[0] {
  return {
    logger: opts.logger ?? new DefaultLogger('WARN'),
    telemetryOptions: opts.metricsBindAddress
      ? {
          metrics: {
            metricPrefix: 'temporal_',
            globalTags: opts.globalTags,
            prometheus: {
              bindAddress: opts.metricsBindAddress,
              countersTotalSuffix: true,
              useSecondsForDurations: true,
            },
          },
        }
      : undefined,
  };
}

/**
 * Installs the Temporal Runtime once, before any NativeConnection/Worker is created.
 * Returns false when a Runtime was already installed (e.g. by the test harness).
 */
export function installTemporalRuntime(opts: TemporalRuntimeOptions): boolean {
  try {
    Runtime.install(temporalRuntimeOptions(opts));
    return true;
  } catch {
    return false;
  }
}
