/**
 * Prometheus metrics (prom-client). One registry per process; every name starts with `harbor_`
 * except the default process/node metrics and the Temporal SDK's `temporal_*` (served beside ours
 * on the worker by `serveMetrics`).
 *
 * Callers record events through `metrics.*`:
 *   metrics.transferStarted('USD')                          // API or workflow start activity
 *   metrics.transferCompleted('USD', seconds)               // terminal states
 *   metrics.transferFailed('USD', reason, seconds) / transferCancelled / transferRejected
 *   metrics.compensationRun('void_hold', 'ok')              // saga compensation activity
 *   metrics.kafkaPublishError('transactions')               // events publisher
 *   metrics.setConsumerLag(group, topic, partition, lag)    // consumers
 * and register pull-style sources read at scrape time:
 *   metrics.setQueueSizeSource(async () => ({ review: n, needsAttention: m }))
 *   metrics.setLedgerSource(async () => [{ currency, debitsPosted, creditsPosted, debitsPending, creditsPending }])
 *
 * Label values are bounded sets (route templates, currencies, reason codes, topics), never ids.
 */
import http from 'node:http';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
} from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const counter = <T extends string>(cfg: Omit<CounterConfiguration<T>, 'registers'>) =>
  new Counter<T>({ ...cfg, registers: [registry] });

// ---- HTTP -----------------------------------------------------------------------------------
export const httpRequests = counter({
  name: 'harbor_http_requests_total',
  help: 'HTTP requests handled, by route template, method and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
});
export const httpErrors = counter({
  name: 'harbor_http_request_errors_total',
  help: 'HTTP requests answered with a 5xx status, by route.',
  labelNames: ['method', 'route', 'status_code'] as const,
});
export const httpDuration = new Histogram({
  name: 'harbor_http_request_duration_seconds',
  help: 'HTTP request latency, by route template, method and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

// ---- Transfers ------------------------------------------------------------------------------
export const transfersStarted = counter({
  name: 'harbor_transfers_started_total',
  help: 'Transfer workflows started.',
  labelNames: ['currency'] as const,
});
export const transferOutcomes = counter({
  name: 'harbor_transfers_finished_total',
  help: 'Transfers that reached a terminal state: outcome completed|failed|cancelled|rejected, with a reason code.',
  labelNames: ['currency', 'outcome', 'reason'] as const,
});
export const transferDuration = new Histogram({
  name: 'harbor_transfer_duration_seconds',
  help: 'Time from transfer start to its terminal state, by outcome.',
  labelNames: ['outcome'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
  registers: [registry],
});
export const sagaCompensations = counter({
  name: 'harbor_saga_compensations_total',
  help: 'Saga compensations run, by step and result: ok (undone), noop (nothing to undo), error (will retry).',
  labelNames: ['step', 'result'] as const,
});
export const reviewQueueSize = new Gauge({
  name: 'harbor_transfers_review_queue_size',
  help: 'Transfers waiting in AWAITING_REVIEW.',
  registers: [registry],
  async collect() {
    const sizes = await readQueueSizes();
    if (sizes) this.set(sizes.review);
  },
});
export const needsAttentionSize = new Gauge({
  name: 'harbor_transfers_needs_attention',
  help: 'Transfers parked in NEEDS_ATTENTION (hold kept, waiting for support).',
  registers: [registry],
  async collect() {
    const sizes = await readQueueSizes();
    if (sizes) this.set(sizes.needsAttention);
  },
});

// ---- Ledger ---------------------------------------------------------------------------------
export const ledgerTotals = new Gauge({
  name: 'harbor_ledger_totals_minor',
  help: 'Sum of account running totals per currency in minor units: side debits|credits, phase posted|pending.',
  labelNames: ['currency', 'side', 'phase'] as const,
  registers: [registry],
  async collect() {
    const rows = await readLedger();
    if (!rows) return;
    this.reset();
    for (const r of rows) {
      this.set({ currency: r.currency, side: 'debits', phase: 'posted' }, Number(r.debitsPosted));
      this.set({ currency: r.currency, side: 'credits', phase: 'posted' }, Number(r.creditsPosted));
      this.set({ currency: r.currency, side: 'debits', phase: 'pending' }, Number(r.debitsPending));
      this.set(
        { currency: r.currency, side: 'credits', phase: 'pending' },
        Number(r.creditsPending),
      );
    }
  },
});
export const ledgerInvariant = new Gauge({
  name: 'harbor_ledger_invariant_ok',
  help: '1 when, per currency, debits equal credits for both posted and pending totals; 0 otherwise.',
  labelNames: ['currency'] as const,
  registers: [registry],
  async collect() {
    const rows = await readLedger();
    if (!rows) return;
    this.reset();
    for (const r of rows) {
      const ok =
        r.balanced !== false &&
        r.debitsPosted === r.creditsPosted &&
        r.debitsPending === r.creditsPending;
      this.set({ currency: r.currency }, ok ? 1 : 0);
    }
  },
});

// ---- Kafka ----------------------------------------------------------------------------------
export const kafkaPublished = counter({
  name: 'harbor_kafka_published_total',
  help: 'Events published to Kafka, by topic.',
  labelNames: ['topic'] as const,
});
export const kafkaPublishErrors = counter({
  name: 'harbor_kafka_publish_errors_total',
  help: 'Failed Kafka publishes, by topic.',
  labelNames: ['topic'] as const,
});
export const kafkaConsumerLag = new Gauge({
  name: 'harbor_kafka_consumer_lag',
  help: 'Messages between the group committed offset and the partition high watermark.',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [registry],
});

// ---- pull sources ---------------------------------------------------------------------------
export interface QueueSizes {
  review: number;
  needsAttention: number;
}
export interface LedgerCurrencyTotals {
  currency: string;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  /** False when a deeper check (recomputed account totals) failed, whatever the sums say. */
  balanced?: boolean;
}
type Source<T> = () => Promise<T>;
let queueSource: Source<QueueSizes> | undefined;
let ledgerSource: Source<LedgerCurrencyTotals[]> | undefined;

/** Reads a source at most once per scrape (several gauges share it), swallowing its errors. */
function memoPerScrape<T>(get: () => Source<T> | undefined): () => Promise<T | undefined> {
  let pending: Promise<T | undefined> | undefined;
  return () => {
    const src = get();
    if (!src) return Promise.resolve(undefined);
    pending ??= src()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
}
const readQueueSizes = memoPerScrape(() => queueSource);
const readLedger = memoPerScrape(() => ledgerSource);

function outcome(
  kind: 'completed' | 'failed' | 'cancelled' | 'rejected',
  currency: string,
  reason: string,
  seconds?: number,
): void {
  transferOutcomes.inc({ currency, outcome: kind, reason });
  if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) {
    transferDuration.observe({ outcome: kind }, seconds);
  }
}

/** The functions the rest of the code calls. */
export const metrics = {
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, seconds);
    if (statusCode >= 500) httpErrors.inc(labels);
  },
  transferStarted(currency: string): void {
    transfersStarted.inc({ currency });
  },
  transferCompleted(currency: string, seconds?: number): void {
    outcome('completed', currency, 'none', seconds);
  },
  transferFailed(currency: string, reason: string, seconds?: number): void {
    outcome('failed', currency, reason, seconds);
  },
  transferCancelled(currency: string, reason: string, seconds?: number): void {
    outcome('cancelled', currency, reason, seconds);
  },
  transferRejected(currency: string, reason: string, seconds?: number): void {
    outcome('rejected', currency, reason, seconds);
  },
  compensationRun(step: string, result: 'ok' | 'noop' | 'error' = 'ok'): void {
    sagaCompensations.inc({ step, result });
  },
  kafkaPublished(topic: string, count = 1): void {
    kafkaPublished.inc({ topic }, count);
  },
  kafkaPublishError(topic: string): void {
    kafkaPublishErrors.inc({ topic });
  },
  setConsumerLag(group: string, topic: string, partition: number, lag: number): void {
    kafkaConsumerLag.set({ group, topic, partition: String(partition) }, Math.max(0, lag));
  },
  setQueueSizeSource(src: Source<QueueSizes> | undefined): void {
    queueSource = src;
  },
  setLedgerSource(src: Source<LedgerCurrencyTotals[]> | undefined): void {
    ledgerSource = src;
  },
};

/** Every harbor_* metric (not the default process metrics). */
export function harborMetricNames(): string[] {
  return registry
    .getMetricsAsArray()
    .map((m) => m.name)
    .filter((n) => n.startsWith('harbor_'));
}

/**
 * Registers every harbor_* metric into another registry too (the API's `app.metrics`), so one
 * /metrics shows both. Names that registry already has are skipped.
 */
export function attachHarborMetrics(target: Registry): void {
  if (target === registry) return;
  for (const name of harborMetricNames()) {
    const metric = registry.getSingleMetric(name);
    if (metric && !target.getSingleMetric(name)) target.registerMetric(metric);
  }
}

/** Prometheus text of this registry, plus any extra exposition text (e.g. Temporal SDK metrics). */
export async function renderMetrics(extra: string[] = []): Promise<string> {
  const own = await registry.metrics();
  return [own, ...extra.filter(Boolean)].join('\n');
}

export const METRICS_CONTENT_TYPE = registry.contentType;

export interface MetricsServerOptions {
  port: number;
  host?: string;
  /** The Temporal Core SDK Prometheus endpoint to append (http://127.0.0.1:9466/metrics). */
  temporalMetricsUrl?: string;
  /** Readiness for /ready (default: always ready). */
  ready?: () => boolean | Promise<boolean>;
}

/**
 * A plain HTTP server for processes without Fastify (worker, consumers):
 * GET /metrics (ours + the Temporal SDK's), GET /health (liveness), GET /ready (readiness).
 */
export function serveMetrics(opts: MetricsServerOptions): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET') {
          res.writeHead(405).end();
        } else if (path === '/metrics') {
          const extra = opts.temporalMetricsUrl ? [await fetchText(opts.temporalMetricsUrl)] : [];
          res
            .writeHead(200, { 'content-type': METRICS_CONTENT_TYPE })
            .end(await renderMetrics(extra));
        } else if (path === '/health') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        } else if (path === '/ready') {
          const ok = opts.ready ? await opts.ready() : true;
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: ok ? 'ready' : 'not-ready' }));
        } else {
          res.writeHead(404).end();
        }
      } catch {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve(server));
  });
}

async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}
