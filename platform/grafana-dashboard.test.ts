/**
 * Every metric the Grafana dashboard queries exists: harbor_* and process metrics in the
 * prom-client registry, temporal_* among the Temporal Core SDK metrics (names as exported with
 * platform/telemetry-temporal.ts options, recorded from a running worker's /metrics).
 */
import fs from 'node:fs';
import path from 'node:path';
import { registry } from './metrics';

// Scraped from the Core SDK Prometheus exporter (countersTotalSuffix, seconds) of a worker that
// ran a workflow and an activity on @temporalio/worker 1.24.
const TEMPORAL_SDK_METRICS = new Set([
  'temporal_activity_execution_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_succeed_endtoend_latency',
  'temporal_activity_task_received_total',
  'temporal_long_request_latency',
  'temporal_long_request_total',
  'temporal_num_pollers',
  'temporal_request_latency',
  'temporal_request_total',
  'temporal_sticky_cache_hit_total',
  'temporal_sticky_cache_size',
  'temporal_worker_start_total',
  'temporal_worker_task_slots_available',
  'temporal_worker_task_slots_used',
  'temporal_workflow_completed_total',
  'temporal_workflow_endtoend_latency',
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_task_queue_poll_succeed_total',
  'temporal_workflow_task_replay_latency',
  'temporal_workflow_task_schedule_to_start_latency',
]);

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}
const dashboard = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'infra', 'grafana', 'harbor-bank.json'), 'utf8'),
) as { panels: Panel[]; templating: { list: { query?: unknown }[] } };

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'label_values',
  'le',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
]);

/** Metric names in a PromQL expression: identifiers not inside {…} or […], not functions/keywords. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\([^()]*\bby\b/g, '(');
  const withoutGrouping = stripped.replace(/\b(by|without)\s*\([^)]*\)/g, ' ');
  return [...withoutGrouping.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((w) => !PROMQL_WORDS.has(w) && !/^\d/.test(w) && w.includes('_'));
}

/** A histogram/summary series name → its family name in the registry. */
function family(name: string): string {
  return name.replace(/_(bucket|sum|count)$/, '');
}

function allExprs(): string[] {
  const out: string[] = [];
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
      if (p.panels) walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating.list)
    if (typeof v.query === 'string' && v.query.includes('(')) out.push(v.query);
  return out;
}

describe('Grafana dashboard', () => {
  const known = new Set(registry.getMetricsAsArray().map((m) => m.name));

  it('queries only metrics that exist', () => {
    const exprs = allExprs();
    expect(exprs.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const expr of exprs) {
      for (const name of metricNames(expr)) {
        const ok = name.startsWith('temporal_')
          ? TEMPORAL_SDK_METRICS.has(name) || TEMPORAL_SDK_METRICS.has(family(name))
          : known.has(name) || known.has(family(name));
        if (!ok) missing.push(`${name} (in ${expr})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('covers HTTP, transfers, sagas, queues, ledger, Kafka and the Temporal SDK', () => {
    const used = new Set(allExprs().flatMap(metricNames).map(family));
    for (const name of [
      'harbor_http_requests_total',
      'harbor_http_request_duration_seconds',
      'harbor_http_request_errors_total',
      'harbor_transfers_started_total',
      'harbor_transfers_finished_total',
      'harbor_transfer_duration_seconds',
      'harbor_saga_compensations_total',
      'harbor_transfers_review_queue_size',
      'harbor_transfers_needs_attention',
      'harbor_ledger_totals_minor',
      'harbor_ledger_invariant_ok',
      'harbor_kafka_publish_errors_total',
      'harbor_kafka_consumer_lag',
    ]) {
      expect(used).toContain(name);
    }
    expect([...used].some((n) => n.startsWith('temporal_'))).toBe(true);
  });

  it('the name extractor sees through PromQL', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(harbor_http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
      ),
    ).toEqual(['harbor_http_request_duration_seconds_bucket']);
    expect(metricNames('sum(rate(a_b_sum[5m])) / sum(rate(a_b_count[5m]))')).toEqual([
      'a_b_sum',
      'a_b_count',
    ]);
  });
});
