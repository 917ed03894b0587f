/**
 * Password guessing against the real app (real Postgres for the account lock, real Redis for the
 * per-IP counters and rate limits):
 * - the login route is throttled per IP: 429 RATE_LIMITED with Retry-After and rate-limit headers;
 * - N wrong passwords lock the account (423 ACCOUNT_LOCKED + Retry-After), even for the right
 *   password and from a fresh IP, and the lock holds on a second API instance;
 * - many failures from one IP, across accounts, lock that IP out but not others;
 * - the lock lifts when it expires, and a success resets the count.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/auth';
import {
  fakeIp,
  startTestApp,
  TEST_PASSWORD,
  uniqueEmail,
  type TestApp,
} from '../../api/testing/app-fixture';

const MAX_FAILURES = 3;
const MAX_IP_FAILURES = 5;
const AUTH_PER_MINUTE = 8;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    authRateLimitPerMinute: AUTH_PER_MINUTE,
    lockout: {
      maxFailures: MAX_FAILURES,
      lockSeconds: 120,
      maxIpFailures: MAX_IP_FAILURES,
      ipWindowSeconds: 120,
    },
  });
});
afterAll(async () => t?.close());

const login = (email: string, password: string, ip = fakeIp(), app = t.app) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });

describe('login throttling per IP', () => {
  it(`answers 429 after ${AUTH_PER_MINUTE} attempts a minute from one IP, other IPs unaffected`, async () => {
    const ip = fakeIp();
    const statuses: number[] = [];
    // Unknown emails: 401, then 423 once the IP lockout trips; the limiter counts every attempt.
    for (let i = 0; i < AUTH_PER_MINUTE; i++) {
      statuses.push((await login(uniqueEmail('nobody'), 'Wrong-Password-1', ip)).statusCode);
    }
    expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);
    const limited = await login(uniqueEmail('nobody'), 'Wrong-Password-1', ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-limit']).toBe(String(AUTH_PER_MINUTE));
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    // The counter lives in Redis: a second API instance sees the same budget spent.
    const other = await t.another();
    const viaOther = await login(uniqueEmail('nobody'), 'Wrong-Password-1', ip, other);
    expect(viaOther.statusCode).toBe(429);
    // Another address is not throttled.
    const fresh = await login(uniqueEmail('nobody'), 'Wrong-Password-1', fakeIp());
    expect(fresh.statusCode).toBe(401);
  });
});

describe('account lockout', () => {
  it(`${MAX_FAILURES} wrong passwords lock the account, even for the right password from a new IP`, async () => {
    const victim = await t.customer();
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await login(victim.email, `Wrong-Password-${i}`);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const locked = await login(victim.email, TEST_PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error).toMatchObject({
      code: 'ACCOUNT_LOCKED',
      details: { scope: 'account' },
    });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(120);
    // The lock is in Postgres: another API instance enforces it too.
    const other = await t.another();
    expect((await login(victim.email, TEST_PASSWORD, fakeIp(), other)).statusCode).toBe(423);
    // No tokens were issued while locked.
    expect(locked.body).not.toMatch(/accessToken|refreshToken/);

    // When the lock expires, the right password works and the count starts again.
    await t.database.db
      .update(users)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(users.id, victim.id));
    const ok = await login(victim.email, TEST_PASSWORD);
    expect(ok.statusCode).toBe(200);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, victim.id));
    expect(row).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
  });

  it('failures below the threshold do not lock, and a success resets them', async () => {
    const user = await t.customer();
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      expect((await login(user.email, 'Wrong-Password-9')).statusCode).toBe(401);
    }
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      expect((await login(user.email, 'Wrong-Password-9')).statusCode).toBe(401);
    }
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('IP lockout', () => {
  it(`${MAX_IP_FAILURES} failures from one IP across accounts lock that IP out, not others`, async () => {
    const ip = fakeIp();
    const target = await t.customer();
    for (let i = 0; i < MAX_IP_FAILURES; i++) {
      // Spread over unknown emails so no single account locks: this is the spraying pattern.
      expect((await login(uniqueEmail('spray'), 'Wrong-Password-7', ip)).statusCode).toBe(401);
    }
    const blocked = await login(target.email, TEST_PASSWORD, ip);
    expect(blocked.statusCode).toBe(423);
    expect(blocked.json().error).toMatchObject({
      code: 'ACCOUNT_LOCKED',
      details: { scope: 'ip' },
    });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The account itself is not locked: the owner logs in from elsewhere.
    expect((await login(target.email, TEST_PASSWORD, fakeIp())).statusCode).toBe(200);
  });
});
