/**
 * Regressions for what the schemathesis run (infra/fuzz.sh) found, kept as fast jest checks:
 * - a path parameter longer than the router's limit, or a malformed URL, got Fastify's own body
 *   and an undocumented 414: now 400 VALIDATION_FAILED in the standard shape;
 * - a statement for month 0000-01 was a 500 (Postgres rejects year 0): now 400;
 * - 4xx answers of the statement and assistant routes are JSON, as documented (OpenAPI listed
 *   only their success media types).
 */
import {
  createTestAccount,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../../api/testing/app-fixture';

let t: TestApp;
let alice: TestUser;
let account: string;

beforeAll(async () => {
  t = await startTestApp();
  alice = await t.customer();
  account = await createTestAccount(t.database.db, alice.customerId);
});
afterAll(async () => t?.close());

interface OpenApiResponses {
  paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
}

describe('bad input found by fuzzing', () => {
  it('an over-long path parameter is 400 VALIDATION_FAILED in the standard shape', async () => {
    for (const who of [alice.auth, {}]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/accounts/${'0'.repeat(500)}`,
        headers: who,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: {
          code: 'VALIDATION_FAILED',
          message: expect.any(String),
          details: { in: 'params' },
        },
      });
    }
  });

  it('a statement for a month Postgres cannot hold is 400, not 500', async () => {
    for (const month of ['0000-01', '1969-12', '10000-01']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/accounts/${account}/statement?month=${month}`,
        headers: alice.auth,
      });
      expect({ month, status: res.statusCode }).toEqual({ month, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const ok = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts/${account}/statement?month=2026-01`,
      headers: alice.auth,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('OpenAPI documents JSON error bodies on the file and SSE routes', async () => {
    const doc = (
      await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
    ).json<OpenApiResponses>();
    const statement = doc.paths['/api/v1/accounts/{id}/statement']!.get!.responses;
    expect(Object.keys(statement['200']!.content!)).toEqual(['text/csv', 'application/pdf']);
    expect(Object.keys(statement['400']!.content!)).toEqual(['application/json']);
    const chat = doc.paths['/api/v1/assistant/chat']!.post!.responses;
    expect(Object.keys(chat['200']!.content!)).toEqual(['text/event-stream']);
    expect(Object.keys(chat['400']!.content!)).toEqual(['application/json']);
  });
});
