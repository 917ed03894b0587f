/**
 * Gateway conventions against real Postgres and Redis: idempotency (replay, reuse, in-flight),
 * rate limits shared across two app instances, and input validation on every POST with money.
 */
import { eq, sql } from 'drizzle-orm';
import { Pool } from 'pg';
import { checkInvariant } from '../activities/ledger/invariant';
import { createLedgerService } from '../activities/ledger/ledger.service';
import { auditLog } from '../db/schema/audit';
import { transfers } from '../db/schema/transfers';
import {
  createTestAccount,
  fakeIp,
  startTestApp,
  type TestApp,
  type TestUser,
} from './testing/app-fixture';

let t: TestApp;
let opsUser: TestUser;
let alice: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  [opsUser, alice] = await Promise.all([t.ops(), t.customer()]);
});
afterAll(async () => t.close());

const balanceOf = async (accountId: string) =>
  (await createLedgerService(t.database.db).getBalances(accountId)).posted;

function deposit(key: string | undefined, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/ops/deposits',
    headers: { ...opsUser.auth, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body,
  });
}

describe('Idempotency-Key', () => {
  it('is required on creating POSTs: 400 IDEMPOTENCY_KEY_REQUIRED, nothing moves', async () => {
    const acc = await createTestAccount(t.database.db, alice.customerId);
    const res = await deposit(undefined, {
      accountId: acc,
      amount: 500,
      currency: 'USD',
      reference: `r-${acc}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(await balanceOf(acc)).toBe(0n);
  });

  it('replays the first response for the same key and body, once in the ledger', async () => {
    const acc = await createTestAccount(t.database.db, alice.customerId);
    const body = { accountId: acc, amount: 2500, currency: 'USD', reference: `r-${acc}` };
    const key = `k-${acc}`;
    const first = await deposit(key, body);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await deposit(key, { ...body });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(await balanceOf(acc)).toBe(2500n);
    // Keys are kept at least 24 h.
    const keys = await t.redis.keys(`${t.prefix}idem:*`);
    const ttls = await Promise.all(keys.map((k) => t.redis.ttl(k)));
    expect(Math.max(...ttls)).toBeGreaterThanOrEqual(24 * 3600);
    expect((await checkInvariant(t.database.db)).balanced).toBe(true);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED when the same key comes with a different body', async () => {
    const acc = await createTestAccount(t.database.db, alice.customerId);
    const key = `k-${acc}`;
    expect(
      (await deposit(key, { accountId: acc, amount: 100, currency: 'USD', reference: `a-${acc}` }))
        .statusCode,
    ).toBe(201);
    const reused = await deposit(key, {
      accountId: acc,
      amount: 999,
      currency: 'USD',
      reference: `b-${acc}`,
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balanceOf(acc)).toBe(100n);
  });

  it('scopes keys per user: another user may use the same key', async () => {
    const acc = await createTestAccount(t.database.db, alice.customerId);
    const otherOps = await t.ops();
    const key = `shared-${acc}`;
    expect(
      (await deposit(key, { accountId: acc, amount: 100, currency: 'USD', reference: `a-${acc}` }))
        .statusCode,
    ).toBe(201);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ops/deposits',
      headers: { ...otherOps.auth, 'idempotency-key': key },
      payload: { accountId: acc, amount: 200, currency: 'USD', reference: `b-${acc}` },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await balanceOf(acc)).toBe(300n);
  });

  it('answers 409 REQUEST_IN_PROGRESS while the first request is still running', async () => {
    const acc = await createTestAccount(t.database.db, alice.customerId);
    const body = { accountId: acc, amount: 700, currency: 'USD', reference: `r-${acc}` };
    const key = `k-${acc}`;
    // Hold the account row lock so the first deposit blocks inside the ledger.
    const pool = new Pool({ connectionString: t.config.DATABASE_URL, max: 1 });
    const blocker = await pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select id from accounts where id = $1 for update', [acc]);
      const first = deposit(key, body);
      // Wait until the first request has claimed the key.
      for (
        let i = 0;
        i < 100 && (await t.redis.keys(`${t.prefix}idem:u:${opsUser.id}:*`)).length === 0;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      let concurrent = await deposit(key, body);
      for (let i = 0; i < 50 && concurrent.statusCode !== 409; i++) {
        await new Promise((r) => setTimeout(r, 50));
        concurrent = await deposit(key, body);
      }
      expect(concurrent.statusCode).toBe(409);
      expect(concurrent.json().error.code).toBe('REQUEST_IN_PROGRESS');
      await blocker.query('rollback');
      const done = await first;
      expect(done.statusCode).toBe(201);
      const replay = await deposit(key, body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(await balanceOf(acc)).toBe(700n);
    } finally {
      blocker.release();
      await pool.end();
    }
  });
});

describe('rate limits (Redis, shared across instances)', () => {
  it('answers 429 with Retry-After and rate-limit headers once two app instances together pass the per-user limit', async () => {
    const a = await t.another({ rateLimitPerMinute: 6 });
    const b = await t.another({ rateLimitPerMinute: 6 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a : b;
      const res = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: alice.auth });
      statuses.push(res.statusCode);
      expect(res.headers['x-ratelimit-limit']).toBe('6');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const limited = await b.inject({ method: 'GET', url: '/api/v1/auth/me', headers: alice.auth });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    // Another user is unaffected.
    const bob = await t.customer();
    expect(
      (await a.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bob.auth })).statusCode,
    ).toBe(200);
  });

  it('limits auth routes per IP, more tightly, across instances', async () => {
    const a = await t.another({ authRateLimitPerMinute: 3 });
    const b = await t.another({ authRateLimitPerMinute: 3 });
    const ip = fakeIp();
    const login = (app: typeof a) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: 'x@example.test', password: 'Nope-nope-1' },
      });
    expect((await login(a)).statusCode).toBe(401);
    expect((await login(b)).statusCode).toBe(401);
    expect((await login(a)).statusCode).toBe(401);
    const limited = await login(b);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // A different IP still gets through.
    const other = await a.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: fakeIp(),
      payload: { email: 'x@example.test', password: 'Nope-nope-1' },
    });
    expect(other.statusCode).toBe(401);
  });
});

describe('validation: every money POST rejects bad input with 400 and changes nothing', () => {
  let from: string;
  let to: string;
  beforeAll(async () => {
    from = await createTestAccount(t.database.db, alice.customerId, { fund: 10_000n });
    to = await createTestAccount(t.database.db, alice.customerId);
  });

  const base = () => ({
    transfers: { fromAccountId: from, toAccountId: to, amount: 100, currency: 'USD' },
    deposits: { accountId: to, amount: 100, currency: 'USD', reference: 'v-1' },
  });
  const bad: [string, (b: Record<string, unknown>) => unknown][] = [
    ['missing amount', ({ amount: _a, ...rest }) => rest],
    ['missing currency', ({ currency: _c, ...rest }) => rest],
    ['empty body', () => ({})],
    ['amount as string', (b) => ({ ...b, amount: '100' })],
    ['negative amount', (b) => ({ ...b, amount: -100 })],
    ['zero amount', (b) => ({ ...b, amount: 0 })],
    ['fractional amount', (b) => ({ ...b, amount: 10.5 })],
    ['huge amount', (b) => ({ ...b, amount: 1e18 })],
    ['unsafe integer amount', (b) => ({ ...b, amount: 2 ** 60 })],
    ['unknown currency', (b) => ({ ...b, currency: 'XYZ' })],
    ['lowercase currency', (b) => ({ ...b, currency: 'usd' })],
    ['extra field', (b) => ({ ...b, admin: true })],
    ['null body field', (b) => ({ ...b, amount: null })],
    ['array body', () => [1, 2]],
  ];

  const routes = [
    {
      name: 'POST /transfers',
      url: '/api/v1/transfers',
      user: () => alice,
      body: () => base().transfers,
    },
    {
      name: 'POST /ops/deposits',
      url: '/api/v1/ops/deposits',
      user: () => opsUser,
      body: () => base().deposits,
    },
  ];

  for (const route of routes) {
    for (const [label, mutate] of bad) {
      it(`${route.name}: ${label} → 400`, async () => {
        // Scoped to this route's actor: other suites write audit rows concurrently.
        const auditCount = () =>
          t.database.db
            .select({ n: sql<number>`count(*)::int` })
            .from(auditLog)
            .where(eq(auditLog.actor, route.user().id));
        const auditBefore = await auditCount();
        const res = await t.app.inject({
          method: 'POST',
          url: route.url,
          headers: { ...route.user().auth, 'idempotency-key': `v-${label}-${route.name}` },
          payload: mutate(route.body()) as object,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
        expect(await balanceOf(from)).toBe(10_000n);
        expect(await balanceOf(to)).toBe(0n);
        const transferRows = await t.database.db
          .select()
          .from(transfers)
          .where(eq(transfers.fromAccountId, from));
        expect(transferRows).toHaveLength(0);
        const auditAfter = await auditCount();
        expect(auditAfter[0]!.n).toBe(auditBefore[0]!.n);
      });
    }
  }

  it('the other POSTs reject extra fields and wrong types with 400', async () => {
    const cases: [string, string, Record<string, string>, unknown][] = [
      [
        'register extra',
        '/api/v1/auth/register',
        {},
        { email: 'a@b.test', password: 'Correct-Horse-42', fullName: 'A', roles: ['ops'] },
      ],
      [
        'register wrong type',
        '/api/v1/auth/register',
        {},
        { email: 'a@b.test', password: 12345678901, fullName: 'A' },
      ],
      ['login missing', '/api/v1/auth/login', {}, { email: 'a@b.test' }],
      [
        'login bad totp',
        '/api/v1/auth/login',
        {},
        { email: 'a@b.test', password: 'x', totp: '12ab56' },
      ],
      ['refresh extra', '/api/v1/auth/refresh', {}, { refreshToken: 'x'.repeat(43), extra: 1 }],
      ['logout wrong type', '/api/v1/auth/logout', {}, { refreshToken: 42 }],
      ['mfa enable wrong type', '/api/v1/auth/mfa/enable', alice.auth, { totp: 123456 }],
      [
        'roles unknown role',
        `/api/v1/ops/users/${alice.id}/roles`,
        opsUser.auth,
        { roles: ['root'], reason: 'because' },
      ],
      [
        'roles missing reason',
        `/api/v1/ops/users/${alice.id}/roles`,
        opsUser.auth,
        { roles: ['support'] },
      ],
      ['close extra', `/api/v1/accounts/${from}/close`, alice.auth, { reason: 'x', force: true }],
    ];
    for (const [label, url, headers, payload] of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers,
        payload: payload as object,
        remoteAddress: fakeIp(),
      });
      expect([label, res.statusCode, res.json().error?.code]).toEqual([
        label,
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: alice.auth });
    expect(me.json().roles).toEqual(['customer']);
    expect((await createLedgerService(t.database.db).getAccount(from)).status).toBe('ACTIVE');
  });

  it('support actions require a reason', async () => {
    const support = await t.support();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/support/transfers/trf_whatever000/approve',
      headers: support.auth,
      payload: {},
    });
    expect([400, 404]).toContain(res.statusCode);
  });
});

describe('errors', () => {
  it('list queries reject limit outside 1–100 and bad cursors with 400', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%%%']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/transfers?${q}`,
        headers: alice.auth,
      });
      expect([q, res.statusCode]).toEqual([q, 400]);
    }
  });

  it('refuses U+0000 anywhere in a body or query with 400 naming where, and stores nothing', async () => {
    const acc = await createTestAccount(t.database.db, alice.customerId);
    const res = await deposit(`nul-${acc}`, {
      accountId: acc,
      amount: 500,
      currency: 'USD',
      reference: 'bad\u0000ref',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.issues[0].path).toBe('/reference');
    expect(await balanceOf(acc)).toBe(0n);
  });
});
