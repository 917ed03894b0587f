/**
 * Correlation fields for log lines: the active trace (OpenTelemetry) and, inside a Temporal
 * activity, the workflow it serves. Read from async context at each line (a pino mixin), so any
 * logger in any process gets them without threading ids through calls.
 */
import { trace } from '@opentelemetry/api';
import { asyncLocalStorage as activityContext } from '@temporalio/activity';

export interface LogContextFields {
  trace_id?: string;
  span_id?: string;
  workflow_id?: string;
  activity?: string;
}

/** Trace fields of the active span, for pino and response headers. Empty when tracing is off. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const sc = trace.getActiveSpan()?.spanContext();
  if (!sc || !trace.isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId };
}

/** Workflow id and activity type when called inside a Temporal activity (opaque ids only). */
export function activityLogFields(): { workflow_id?: string; activity?: string } {
  const info = activityContext.getStore()?.info;
  if (!info) return {};
  const workflowId = info.workflowExecution?.workflowId;
  return workflowId
    ? { workflow_id: workflowId, activity: info.activityType }
    : { activity: info.activityType };
}

/** Marks a logger (and, through pino's prototype chain, its children) as carrying trace ids. */
const TRACE_BOUND = Symbol.for('harbor.log.traceBound');

/**
 * A child logger bound to a request's trace ids. Use it where a line may be written outside the
 * span's async context (Fastify's "request completed"); the mixin then skips its own trace fields
 * so a line never carries the key twice.
 */
export function bindTraceFields<L extends { child(bindings: object, options?: object): L }>(
  logger: L,
  fields: { trace_id: string; span_id?: string } & Record<string, unknown>,
  options?: object,
): L {
  const child = logger.child(fields, options);
  (child as Record<symbol, unknown>)[TRACE_BOUND] = true;
  return child;
}

/** pino `mixin`: trace ids (unless bound already) and the activity's workflow id. */
export function logContextMixin(_merge: object, _level: number, logger?: object): LogContextFields {
  const bound = logger !== undefined && (logger as Record<symbol, unknown>)[TRACE_BOUND] === true;
  return bound ? activityLogFields() : { ...traceLogFields(), ...activityLogFields() };
}
