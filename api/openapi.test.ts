import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestApp, type TestApp } from './testing/app-fixture';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ docs: true });
});
afterAll(async () => t.close());

describe('OpenAPI', () => {
  it('serves a valid OpenAPI 3.1 document listing every route with tags, summary and errors', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc));

    const missing: string[] = [];
    for (const route of t.app.routeTable) {
      if (!route.url.startsWith('/api/v1') || route.url === '/api/v1/openapi.json') continue;
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = doc.paths?.[path]?.[route.method.toLowerCase()];
      if (!op) {
        missing.push(`${route.method} ${route.url}`);
        continue;
      }
      expect([route.url, op.tags?.length > 0, typeof op.summary]).toEqual([
        route.url,
        true,
        'string',
      ]);
      const statuses = Object.keys(op.responses ?? {});
      expect([route.url, statuses.some((s) => s.startsWith('2'))]).toEqual([route.url, true]);
      expect([route.url, statuses.some((s) => s.startsWith('4'))]).toEqual([route.url, true]);
      if (route.access && 'roles' in route.access) {
        expect([route.url, statuses]).toEqual([
          route.url,
          expect.arrayContaining(['401', '403', '429']),
        ]);
      }
      if (route.idempotency) {
        const header = (op.parameters ?? []).find(
          (p: { name: string; in: string }) => p.in === 'header' && p.name === 'idempotency-key',
        );
        expect([route.url, Boolean(header)]).toEqual([route.url, true]);
      }
    }
    expect(missing).toEqual([]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves /health, /metrics and /ready', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({
      status: 'ok',
    });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('http_request_duration_seconds');
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    // Temporal is not wired in this app: /ready must name it.
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(ready.json().error.details.failing).toContain('temporal');
    expect(ready.json().error.details.checks).toMatchObject({ postgres: 'up', redis: 'up' });
  });
});
