/**
 * Forged tokens and the browser-facing headers, against the real app (real Postgres and Redis):
 * - every forged or misused access token is 401 UNAUTHORIZED in the standard error shape, on a
 *   customer route and on an ops route (a tampered role must not open ops);
 * - CORS answers only the configured origins;
 * - helmet's headers are on every response, errors included, and nothing names the framework.
 */
import { startTestApp, type TestApp, type TestUser } from '../../api/testing/app-fixture';
import { decodePayload, forgeJwt, nowSeconds, swapPayload } from './jwt-forge';

let t: TestApp;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  alice = await t.customer();
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

function validClaims(overrides: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    sub: alice.id,
    roles: ['customer'],
    customerId: alice.customerId,
    typ: 'access',
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

describe('forged and misused access tokens', () => {
  const WRONG_KEY = 'not-the-server-secret-not-the-server-secret-0000';

  const cases: [string, () => string][] = [
    ['alg none', () => forgeJwt(validClaims(), { alg: 'none' })],
    [
      'alg none, signature kept from a real token',
      () => {
        const [, payload, signature] = alice.accessToken.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
          'base64url',
        );
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['signed with a wrong key', () => forgeJwt(validClaims(), { key: WRONG_KEY })],
    [
      'HS512 with the right key (algorithm not allowed)',
      () => forgeJwt(validClaims(), { alg: 'HS512', key: t.config.JWT_SECRET }),
    ],
    [
      'expired (right key)',
      () =>
        forgeJwt(validClaims({ iat: nowSeconds() - 3600, exp: nowSeconds() - 60 }), {
          key: t.config.JWT_SECRET,
        }),
    ],
    [
      'not yet valid (right key, nbf in the future)',
      () => forgeJwt(validClaims({ nbf: nowSeconds() + 3600 }), { key: t.config.JWT_SECRET }),
    ],
    [
      'role tampered, original signature kept',
      () => swapPayload(alice.accessToken, { ...decodePayload(alice.accessToken), roles: ['ops'] }),
    ],
    [
      'role tampered, re-signed with a wrong key',
      () => forgeJwt({ ...decodePayload(alice.accessToken), roles: ['ops'] }, { key: WRONG_KEY }),
    ],
    [
      'role tampered, unsigned',
      () => forgeJwt({ ...decodePayload(alice.accessToken), roles: ['ops'] }, { alg: 'none' }),
    ],
    ['a refresh token used as an access token', () => alice.refreshToken],
    [
      'signed with the right key but not an access token (no typ)',
      () => forgeJwt(validClaims({ typ: undefined }), { key: t.config.JWT_SECRET }),
    ],
    ['truncated signature', () => alice.accessToken.slice(0, -4)],
    ['garbage', () => 'a.b.c'],
  ];

  it.each(cases)('%s → 401 UNAUTHORIZED on a customer route and an ops route', async (_n, make) => {
    const token = make();
    for (const url of ['/api/v1/auth/me', '/api/v1/accounts', '/api/v1/ops/ledger/invariant']) {
      const res = await get(url, { authorization: `Bearer ${token}` });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 401 });
      const body = res.json();
      expect(body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      expect(res.body).not.toContain(token);
    }
  });

  it('the real token works (so the 401s above are about the forgery, not the route)', async () => {
    const res = await get('/api/v1/auth/me', alice.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: alice.id, roles: ['customer'] });
    // A correctly signed token with a customer role never reaches ops.
    const ops = await get('/api/v1/ops/ledger/invariant', alice.auth);
    expect(ops.statusCode).toBe(403);
    expect(ops.json().error.code).toBe('FORBIDDEN');
  });

  it('a missing or malformed Authorization header is 401', async () => {
    for (const authorization of [
      undefined,
      'Bearer',
      'Basic dXNlcjpwYXNz',
      `Token ${alice.accessToken}`,
    ]) {
      const res = await get('/api/v1/auth/me', authorization ? { authorization } : {});
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });
});

describe('CORS', () => {
  it('an allowed origin gets the CORS headers, on the preflight and the request', async () => {
    const origin = t.config.CORS_ORIGINS[0]!;
    expect(origin).toBeTruthy();
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/accounts',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    const res = await get('/api/v1/auth/me', { ...alice.auth, origin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers.vary).toMatch(/origin/i);
  });

  it.each(['https://evil.example', 'null', 'http://127.0.0.1:5173.evil.example'])(
    'a foreign origin (%s) gets no CORS headers',
    async (origin) => {
      const pre = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/accounts',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      const res = await get('/api/v1/auth/me', { ...alice.auth, origin });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );
});

describe('security headers', () => {
  it.each([
    ['a 200', '/api/v1/auth/me', true],
    ['a 401', '/api/v1/auth/me', false],
    ['a 404', '/api/v1/no-such-route', true],
    ['the OpenAPI document', '/api/v1/openapi.json', false],
    ['liveness', '/health', false],
  ])('%s carries helmet headers and no x-powered-by', async (_n, url, authed) => {
    const res = await get(url, authed ? alice.auth : {});
    const h = res.headers;
    expect(String(h['content-security-policy'])).toContain("default-src 'self'");
    expect(String(h['content-security-policy'])).toContain("frame-ancestors 'self'");
    expect(String(h['content-security-policy'])).toContain("object-src 'none'");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(h['strict-transport-security'])).toMatch(/max-age=\d{6,}/);
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['cross-origin-opener-policy']).toBe('same-origin');
    expect(h['x-powered-by']).toBeUndefined();
    expect(h.server).toBeUndefined();
    expect(h['x-request-id']).toBeTruthy();
  });
});
