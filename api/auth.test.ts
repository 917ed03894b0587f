import { createSigner } from 'fast-jwt';
import { generateSync } from 'otplib';
import { eq } from 'drizzle-orm';
import { refreshTokens, users } from '../db/schema/auth';
import { customers } from '../db/schema/customers';
import { sha256Hex } from './lib/crypto';
import {
  fakeIp,
  startTestApp,
  TEST_PASSWORD,
  uniqueEmail,
  type TestApp,
} from './testing/app-fixture';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    lockout: { maxFailures: 3, lockSeconds: 60, maxIpFailures: 6, ipWindowSeconds: 60 },
  });
});
afterAll(async () => t.close());

const post = (
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
  remoteAddress = fakeIp(),
) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    payload: payload as object,
    headers,
    remoteAddress,
  });

describe('register', () => {
  it('creates a customer user with an argon2id hash and a customer record', async () => {
    const email = uniqueEmail('reg');
    const res = await post('/auth/register', {
      email,
      password: TEST_PASSWORD,
      fullName: 'Ada Lovelace',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      email,
      roles: ['customer'],
      kycStatus: 'NOT_STARTED',
      mfaEnabled: false,
    });
    expect(body.id).toMatch(/^usr_/);
    expect(body.customerId).toMatch(/^cus_/);
    expect(body).not.toHaveProperty('passwordHash');
    const [row] = await t.database.db.select().from(users).where(eq(users.id, body.id));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    const [cust] = await t.database.db
      .select()
      .from(customers)
      .where(eq(customers.id, body.customerId));
    expect(cust).toMatchObject({
      userId: body.id,
      fullName: 'Ada Lovelace',
      kycStatus: 'NOT_STARTED',
    });
  });

  it('rejects a weak password with 400 WEAK_PASSWORD and reasons', async () => {
    const res = await post('/auth/register', {
      email: uniqueEmail(),
      password: 'password',
      fullName: 'X',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('WEAK_PASSWORD');
    expect(res.json().error.details.reasons.length).toBeGreaterThan(0);
  });

  it('rejects a duplicate email (any case) with 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail('dup');
    expect(
      (await post('/auth/register', { email, password: TEST_PASSWORD, fullName: 'A' })).statusCode,
    ).toBe(201);
    const res = await post('/auth/register', {
      email: email.toUpperCase(),
      password: TEST_PASSWORD,
      fullName: 'B',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('EMAIL_TAKEN');
  });

  it('rejects unknown fields and bad emails with 400 VALIDATION_FAILED', async () => {
    const extra = await post('/auth/register', {
      email: uniqueEmail(),
      password: TEST_PASSWORD,
      fullName: 'A',
      role: 'ops',
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('VALIDATION_FAILED');
    const bad = await post('/auth/register', {
      email: 'not-an-email',
      password: TEST_PASSWORD,
      fullName: 'A',
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('login, me, tokens', () => {
  it('logs in and returns a 15-minute HS256 JWT with sub, roles and customerId', async () => {
    const u = await t.customer();
    const [, payload] = u.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: u.id, roles: ['customer'], customerId: u.customerId });
    expect(claims.exp - claims.iat).toBe(900);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: u.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: u.id,
      email: u.email,
      roles: ['customer'],
      kycStatus: 'NOT_STARTED',
    });
  });

  it('rejects wrong passwords and unknown emails alike with 401 INVALID_CREDENTIALS', async () => {
    const u = await t.customer();
    const wrong = await post('/auth/login', { email: u.email, password: 'Wrong-Password-1' });
    const unknown = await post('/auth/login', {
      email: uniqueEmail(),
      password: 'Wrong-Password-1',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers 401 to missing, tampered, alg:none and expired tokens', async () => {
    const u = await t.customer();
    const me = (authorization?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: authorization ? { authorization } : {},
      });
    expect((await me()).statusCode).toBe(401);
    const [h, p] = u.accessToken.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect((await me(`Bearer ${none}`)).statusCode).toBe(401);
    expect((await me(`Bearer ${h}.${p}.AAAA`)).statusCode).toBe(401);
    const forged = createSigner({
      key: 'another-secret-another-secret-0123456789',
      algorithm: 'HS256',
    })({
      sub: u.id,
      roles: ['ops'],
      customerId: null,
      typ: 'access',
    });
    expect((await me(`Bearer ${forged}`)).statusCode).toBe(401);
    const expired = createSigner({ key: t.config.JWT_SECRET, algorithm: 'HS256' })({
      sub: u.id,
      roles: ['customer'],
      customerId: u.customerId,
      typ: 'access',
      iat: Math.floor(Date.now() / 1000) - 3600,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const res = await me(`Bearer ${expired}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
    const hs512 = createSigner({ key: t.config.JWT_SECRET, algorithm: 'HS512' })({
      sub: u.id,
      roles: ['customer'],
      customerId: u.customerId,
      typ: 'access',
    });
    expect((await me(`Bearer ${hs512}`)).statusCode).toBe(401);
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
    const u = await t.customer();
    const first = await post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(first.statusCode).toBe(200);
    const pair2 = first.json();
    expect(pair2.refreshToken).not.toBe(u.refreshToken);
    expect(pair2.accessToken).toBeTruthy();
    // Reuse of the rotated token: theft signal → family revoked.
    const reuse = await post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe('TOKEN_REVOKED');
    // The newest token of the family no longer works either.
    const after = await post('/auth/refresh', { refreshToken: pair2.refreshToken });
    expect(after.statusCode).toBe(401);
    const rows = await t.database.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, u.id));
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
    // Only hashes are stored.
    expect(rows.map((r) => r.tokenHash)).not.toContain(u.refreshToken);
  });

  it('logout revokes the family (204), a second login still works', async () => {
    const u = await t.customer();
    const out = await post('/auth/logout', { refreshToken: u.refreshToken });
    expect(out.statusCode).toBe(204);
    const res = await post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(res.statusCode).toBe(401);
    const again = await post('/auth/login', { email: u.email, password: TEST_PASSWORD });
    expect(again.statusCode).toBe(200);
  });

  it('rejects unknown refresh tokens with 401', async () => {
    const res = await post('/auth/refresh', { refreshToken: 'x'.repeat(43) });
    expect(res.statusCode).toBe(401);
  });
});

describe('refresh token in an HttpOnly cookie (browsers)', () => {
  type SetCookie = { name: string; value: string; [attr: string]: unknown };
  const refreshCookie = (res: { cookies: SetCookie[] }) =>
    res.cookies.find((c) => c.name === 'hb_refresh');
  const withCookie = (token: string) => ({ cookie: `hb_refresh=${token}` });

  async function cookieLogin() {
    const u = await t.customer();
    const res = await post('/auth/login', {
      email: u.email,
      password: TEST_PASSWORD,
      refreshTokenDelivery: 'cookie',
    });
    expect(res.statusCode).toBe(200);
    return { u, res };
  }

  it('login sets an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth, not the body', async () => {
    const { u, res } = await cookieLogin();
    const body = res.json();
    expect(body.accessToken).toBeTruthy();
    expect(body).not.toHaveProperty('refreshToken');
    const c = refreshCookie(res);
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    expect(c?.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // A session cookie: no Max-Age or Expires, so it ends with the browser session.
    expect(c).not.toHaveProperty('maxAge');
    expect(c).not.toHaveProperty('expires');
    const rows = await t.database.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, u.id));
    // Stored like any refresh token: its hash only, in a family of its own.
    expect(rows.map((r) => r.tokenHash)).toContain(sha256Hex(c!.value));
    expect(rows.map((r) => r.tokenHash)).not.toContain(c!.value);
  });

  it('refresh reads the cookie, rotates it, and a replayed old cookie revokes the family', async () => {
    const { res } = await cookieLogin();
    const first = refreshCookie(res)!.value;
    const rotated = await post('/auth/refresh', {}, withCookie(first));
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().accessToken).toBeTruthy();
    expect(rotated.json()).not.toHaveProperty('refreshToken');
    const second = refreshCookie(rotated)!.value;
    expect(second).not.toBe(first);
    expect((await post('/auth/refresh', {}, withCookie(second))).statusCode).toBe(200);
    // The first cookie again: a theft signal. 401, the cookie is cleared, the family revoked.
    const replay = await post('/auth/refresh', {}, withCookie(first));
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TOKEN_REVOKED');
    expect(refreshCookie(replay)?.value).toBe('');
    expect((await post('/auth/refresh', {}, withCookie(second))).statusCode).toBe(401);
  });

  it('refresh with neither a body token nor a cookie is 401 UNAUTHORIZED', async () => {
    const res = await post('/auth/refresh', {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
  });

  it('logout revokes the cookie token, clears the cookie, and is idempotent', async () => {
    const { res } = await cookieLogin();
    const token = refreshCookie(res)!.value;
    const out = await post('/auth/logout', {}, withCookie(token));
    expect(out.statusCode).toBe(204);
    expect(refreshCookie(out)).toMatchObject({ value: '', path: '/api/v1/auth' });
    expect((await post('/auth/refresh', {}, withCookie(token))).statusCode).toBe(401);
    expect((await post('/auth/logout', {})).statusCode).toBe(204);
  });

  it('the body token wins over the cookie, and body delivery sets no cookie', async () => {
    const u = await t.customer();
    const { res: cookieRes } = await cookieLogin();
    const res = await post(
      '/auth/refresh',
      { refreshToken: u.refreshToken },
      withCookie(refreshCookie(cookieRes)!.value),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().refreshToken).toBeTruthy();
    expect(refreshCookie(res)).toBeUndefined();
  });
});

describe('lockout', () => {
  it('locks the account after repeated failures, even with the right password and from another IP', async () => {
    const u = await t.customer();
    for (let i = 0; i < 3; i++) {
      const res = await post('/auth/login', { email: u.email, password: 'Wrong-Password-1' });
      expect(res.statusCode).toBe(401);
    }
    const locked = await post('/auth/login', { email: u.email, password: TEST_PASSWORD });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error).toMatchObject({
      code: 'ACCOUNT_LOCKED',
      details: { scope: 'account' },
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Unlock by time: move locked_until into the past, then the right password works again.
    await t.database.db
      .update(users)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(users.id, u.id));
    expect(
      (await post('/auth/login', { email: u.email, password: TEST_PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('locks a client IP after repeated failures across accounts', async () => {
    const ip = fakeIp();
    for (let i = 0; i < 6; i++) {
      const res = await post(
        '/auth/login',
        { email: uniqueEmail('nobody'), password: 'Wrong-Password-1' },
        {},
        ip,
      );
      expect(res.statusCode).toBe(401);
    }
    const u = await t.customer();
    const blocked = await post('/auth/login', { email: u.email, password: TEST_PASSWORD }, {}, ip);
    expect(blocked.statusCode).toBe(423);
    expect(blocked.json().error.details.scope).toBe('ip');
    // Another IP is unaffected.
    expect(
      (await post('/auth/login', { email: u.email, password: TEST_PASSWORD })).statusCode,
    ).toBe(200);
  });
});

describe('MFA (TOTP)', () => {
  it('setup → enable → login requires a valid totp', async () => {
    const u = await t.customer();
    const setup = await post('/auth/mfa/setup', undefined, u.auth);
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(row?.mfaSecretEnc).toBeTruthy();
    expect(row?.mfaSecretEnc).not.toContain(secret);

    const badEnable = await post('/auth/mfa/enable', { totp: '000000' }, u.auth);
    expect(badEnable.statusCode).toBe(401);
    expect(badEnable.json().error.code).toBe('INVALID_TOTP');
    const enable = await post('/auth/mfa/enable', { totp: generateSync({ secret }) }, u.auth);
    expect(enable.statusCode).toBe(200);
    expect(enable.json()).toEqual({ mfaEnabled: true });

    const noCode = await post('/auth/login', { email: u.email, password: TEST_PASSWORD });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('MFA_REQUIRED');
    const wrongCode = await post('/auth/login', {
      email: u.email,
      password: TEST_PASSWORD,
      totp: '123456' === generateSync({ secret }) ? '654321' : '123456',
    });
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongCode.json().error.code).toBe('INVALID_TOTP');
    const ok = await post('/auth/login', {
      email: u.email,
      password: TEST_PASSWORD,
      totp: generateSync({ secret }),
    });
    expect(ok.statusCode).toBe(200);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${ok.json().accessToken}` },
    });
    expect(me.json().mfaEnabled).toBe(true);
    // Setting up again once enabled is a conflict.
    expect((await post('/auth/mfa/setup', undefined, u.auth)).statusCode).toBe(409);
  });
});

describe('conventions', () => {
  it('echoes x-request-id, sets security headers, and answers unknown routes with the error shape', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'x-request-id': 'req-abcdef123' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect(res.headers['x-request-id']).toBe('req-abcdef123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const gen = await t.app.inject({ method: 'GET', url: '/health' });
    expect(gen.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('CORS allows configured origins only', async () => {
    const ok = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: { origin: t.config.CORS_ORIGINS[0]!, 'access-control-request-method': 'POST' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe(t.config.CORS_ORIGINS[0]);
    const bad = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('malformed JSON is a 400 with a code', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
