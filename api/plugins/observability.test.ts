import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { registry } from '../../platform/metrics';
import observabilityPlugin from './observability';

async function appWithLogs() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, stream) });
  await app.register(observabilityPlugin);
  app.get('/things/:id', async (request) => {
    request.log.info('handling');
    return { ok: true };
  });
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  return { app, lines };
}

describe('observability plugin (tracing off)', () => {
  it('continues an incoming W3C trace id: header and every log line', async () => {
    const { app, lines } = await appWithLogs();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.inject({
      url: '/things/1',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-trace-id']).toBe(traceId);
    const handling = lines.find((l) => l.msg === 'handling');
    expect(handling).toMatchObject({ trace_id: traceId, reqId: expect.any(String) });
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ trace_id: traceId });
    await app.close();
  });

  it('generates a trace id when none comes in, and records HTTP metrics by route', async () => {
    const { app } = await appWithLogs();
    const res = await app.inject({ url: '/things/2', headers: { traceparent: 'garbage' } });
    expect(res.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    await app.inject({ url: '/boom' });
    const text = await registry.metrics();
    expect(text).toMatch(
      /harbor_http_requests_total\{method="GET",route="\/things\/:id",status_code="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /harbor_http_request_errors_total\{method="GET",route="\/boom",status_code="500"\} 1/,
    );
    await app.close();
  });
});
