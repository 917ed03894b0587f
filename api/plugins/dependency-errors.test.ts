import { startTestApp, type TestApp } from '../testing/app-fixture';
import { isDependencyUnavailable } from './dependency-errors';

// A real Postgres client pointed at a port where nothing listens: what the gateway sees while
// the database is down. The answer must be a retryable 503 in the standard shape, never a 500.
describe('a dependency that is down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {},
      { config: { DATABASE_URL: 'postgres://bank:bank@127.0.0.1:1/bank' } },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After when Postgres is unreachable', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.test', password: 'Correct-Horse-42' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({
      error: { code: 'DEPENDENCY_UNAVAILABLE', message: expect.any(String) },
    });
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('walks the cause chain but does not mistake a bug for an outage', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), {
      code: 'ECONNREFUSED',
    });
    expect(isDependencyUnavailable(new Error('Failed query', { cause: refused }))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('x'), { code: 14 }))).toBe(true);
    expect(isDependencyUnavailable(new TypeError('undefined is not a function'))).toBe(false);
    expect(isDependencyUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });
});
