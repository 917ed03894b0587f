import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { attachHarborMetrics, harborMetricNames, metrics, registry, serveMetrics } from './metrics';

const scrape = () => registry.metrics();

function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ok = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (ok) return Number(m[3]);
  }
  return undefined;
}

afterEach(() => {
  metrics.setLedgerSource(undefined);
  metrics.setQueueSizeSource(undefined);
});

describe('platform/metrics', () => {
  it('counts transfers by outcome and reason and times them', async () => {
    metrics.transferStarted('USD');
    metrics.transferCompleted('USD', 1.5);
    metrics.transferRejected('USD', 'FRAUD_BLOCKED', 0.2);
    metrics.transferFailed('EUR', 'INSUFFICIENT_FUNDS');
    metrics.transferCancelled('USD', 'CUSTOMER');
    metrics.compensationRun('void_hold');
    const text = await scrape();
    expect(
      sample(text, 'harbor_transfers_started_total', { currency: 'USD' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'harbor_transfers_finished_total', {
        outcome: 'rejected',
        reason: 'FRAUD_BLOCKED',
      }),
    ).toBe(1);
    expect(
      sample(text, 'harbor_transfers_finished_total', { outcome: 'failed', currency: 'EUR' }),
    ).toBe(1);
    expect(sample(text, 'harbor_transfer_duration_seconds_count', { outcome: 'completed' })).toBe(
      1,
    );
    expect(
      sample(text, 'harbor_transfer_duration_seconds_sum', { outcome: 'completed' }),
    ).toBeCloseTo(1.5);
    expect(
      sample(text, 'harbor_saga_compensations_total', { step: 'void_hold', result: 'ok' }),
    ).toBe(1);
  });

  it('records HTTP requests by route and counts 5xx as errors', async () => {
    metrics.httpRequest('POST', '/api/v1/transfers', 201, 0.03);
    metrics.httpRequest('POST', '/api/v1/transfers', 503, 0.5);
    const text = await scrape();
    expect(
      sample(text, 'harbor_http_requests_total', {
        route: '/api/v1/transfers',
        status_code: '201',
      }),
    ).toBe(1);
    expect(
      sample(text, 'harbor_http_request_errors_total', {
        route: '/api/v1/transfers',
        status_code: '503',
      }),
    ).toBe(1);
    expect(
      sample(text, 'harbor_http_request_errors_total', { status_code: '201' }),
    ).toBeUndefined();
    expect(
      sample(text, 'harbor_http_request_duration_seconds_bucket', {
        route: '/api/v1/transfers',
        le: '0.05',
      }),
    ).toBe(1);
  });

  it('reads ledger totals and the invariant, and queue sizes, at scrape time', async () => {
    metrics.setLedgerSource(async () => [
      {
        currency: 'USD',
        debitsPosted: 500n,
        creditsPosted: 500n,
        debitsPending: 20n,
        creditsPending: 20n,
      },
      {
        currency: 'EUR',
        debitsPosted: 7n,
        creditsPosted: 6n,
        debitsPending: 0n,
        creditsPending: 0n,
      },
    ]);
    let calls = 0;
    metrics.setQueueSizeSource(async () => {
      calls++;
      return { review: 3, needsAttention: 1 };
    });
    const text = await scrape();
    expect(sample(text, 'harbor_ledger_invariant_ok', { currency: 'USD' })).toBe(1);
    expect(sample(text, 'harbor_ledger_invariant_ok', { currency: 'EUR' })).toBe(0);
    expect(
      sample(text, 'harbor_ledger_totals_minor', {
        currency: 'USD',
        side: 'debits',
        phase: 'pending',
      }),
    ).toBe(20);
    expect(sample(text, 'harbor_transfers_review_queue_size')).toBe(3);
    expect(sample(text, 'harbor_transfers_needs_attention')).toBe(1);
    expect(calls).toBe(1); // one source read shared by both gauges
  });

  it('survives a failing source', async () => {
    metrics.setQueueSizeSource(() => Promise.reject(new Error('db down')));
    await expect(scrape()).resolves.toContain('harbor_transfers_review_queue_size');
  });

  it('tracks Kafka publish errors and consumer lag', async () => {
    metrics.kafkaPublishError('transactions');
    metrics.setConsumerLag('notifications', 'transactions', 0, 42);
    const text = await scrape();
    expect(sample(text, 'harbor_kafka_publish_errors_total', { topic: 'transactions' })).toBe(1);
    expect(
      sample(text, 'harbor_kafka_consumer_lag', { group: 'notifications', partition: '0' }),
    ).toBe(42);
  });

  it('attaches the harbor metrics to another registry (the API app registry)', async () => {
    const other = new Registry();
    attachHarborMetrics(other);
    attachHarborMetrics(other); // idempotent
    const names = other.getMetricsAsArray().map((m) => m.name);
    expect(names.sort()).toEqual(harborMetricNames().sort());
  });

  it('serves /metrics, /health and /ready on the worker metrics server, with the Temporal SDK text appended', async () => {
    const fakeCore = http.createServer((_req, res) =>
      res.end(
        '# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available 5\n',
      ),
    );
    await new Promise<void>((r) => fakeCore.listen(0, '127.0.0.1', r));
    const corePort = (fakeCore.address() as AddressInfo).port;
    const server = await serveMetrics({
      port: 0,
      host: '127.0.0.1',
      temporalMetricsUrl: `http://127.0.0.1:${corePort}/metrics`,
    });
    const port = (server.address() as AddressInfo).port;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('harbor_transfers_started_total');
      expect(text).toContain('process_cpu_seconds_total');
      expect(sample(text, 'temporal_worker_task_slots_available')).toBe(5);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
      await new Promise((r) => fakeCore.close(r));
    }
  });
});
