import { checkInvariant } from '../activities/ledger/invariant';
import {
  createTestAccount,
  startTestApp,
  type TestApp,
  type TestUser,
  apiCalls,
} from './testing/app-fixture';

let t: TestApp;
const { get, post } = apiCalls(() => t);
let alice: TestUser;
let opsUser: TestUser;
let support: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  [alice, opsUser, support] = await Promise.all([t.customer(), t.ops(), t.support()]);
});
afterAll(async () => t.close());

it('accounts: list, balances, entries paginated with running balance, statements, close', async () => {
  const acc = await createTestAccount(t.database.db, alice.customerId);
  for (const [i, amount] of [1000, 250, 4000].entries()) {
    const res = await post(
      opsUser,
      '/ops/deposits',
      { accountId: acc, amount, currency: 'USD', reference: `dep-${acc}-${i}` },
      `k-${acc}-${i}`,
    );
    expect(res.statusCode).toBe(201);
  }
  const list = await get(alice, '/accounts');
  expect(list.json().items.map((a: { id: string }) => a.id)).toContain(acc);
  const one = await get(alice, `/accounts/${acc}`);
  expect(one.json()).toMatchObject({
    id: acc,
    currency: 'USD',
    status: 'ACTIVE',
    balances: { posted: 5250, pending: 0, available: 5250 },
  });

  const page1 = await get(alice, `/accounts/${acc}/entries?limit=2`);
  expect(
    page1
      .json()
      .items.map((e: { amount: number; balanceAfter: number }) => [e.amount, e.balanceAfter]),
  ).toEqual([
    [4000, 5250],
    [250, 1250],
  ]);
  const page2 = await get(
    alice,
    `/accounts/${acc}/entries?limit=2&cursor=${page1.json().nextCursor}`,
  );
  expect(page2.json()).toMatchObject({
    items: [{ amount: 1000, balanceAfter: 1000, direction: 'credit' }],
    nextCursor: null,
  });

  const month = new Date().toISOString().slice(0, 7);
  const csv = await get(alice, `/accounts/${acc}/statement?month=${month}&format=csv`);
  expect(csv.statusCode).toBe(200);
  expect(csv.headers['content-type']).toMatch(/text\/csv/);
  expect(csv.body.split('\n')[0]).toBe('date,transfer_id,reference,debit,credit,balance');
  expect(csv.body).toContain(',52.50\n');
  const pdf = await get(alice, `/accounts/${acc}/statement?month=${month}&format=pdf`);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  expect((await get(alice, `/accounts/${acc}/statement?month=2026-13`)).statusCode).toBe(400);

  const notEmpty = await post(alice, `/accounts/${acc}/close`, {});
  expect(notEmpty.statusCode).toBe(409);
  expect(notEmpty.json().error.code).toBe('ACCOUNT_NOT_EMPTY');
  const empty = await createTestAccount(t.database.db, alice.customerId);
  const closed = await post(alice, `/accounts/${empty}/close`, {});
  expect(closed.statusCode).toBe(200);
  expect(closed.json().status).toBe('CLOSED');
  expect((await checkInvariant(t.database.db)).balanced).toBe(true);
});

it('ops: ledger invariant, deposits are idempotent by reference, roles are set and audited', async () => {
  const inv = await get(opsUser, '/ops/ledger/invariant');
  expect(inv.statusCode).toBe(200);
  expect(inv.json().balanced).toBe(true);
  expect(inv.json().totals.USD).toBeDefined();
  expect((await get(support, '/ops/ledger/invariant')).statusCode).toBe(403);

  const acc = await createTestAccount(t.database.db, alice.customerId);
  const body = { accountId: acc, amount: 700, currency: 'USD', reference: `ref-${acc}` };
  expect((await post(opsUser, '/ops/deposits', body, `a-${acc}`)).statusCode).toBe(201);
  const sameRef = await post(opsUser, '/ops/deposits', body, `b-${acc}`);
  expect(sameRef.statusCode).toBe(201);
  expect(sameRef.json().replayed).toBe(true);
  const conflict = await post(opsUser, '/ops/deposits', { ...body, amount: 701 }, `c-${acc}`);
  expect(conflict.statusCode).toBe(409);
  expect((await get(alice, `/accounts/${acc}`)).json().balances.posted).toBe(700);
  const missing = await post(
    opsUser,
    '/ops/deposits',
    { ...body, accountId: 'acc_missing00000' },
    `d-${acc}`,
  );
  expect(missing.statusCode).toBe(404);

  const target = await t.customer();
  const set = await post(opsUser, `/ops/users/${target.id}/roles`, {
    roles: ['customer', 'support'],
    reason: 'joined support team',
  });
  expect(set.statusCode).toBe(200);
  expect(set.json().roles).toEqual(['customer', 'support']);
  const audit = await get(support, `/support/audit?target=${target.id}`);
  expect(audit.json().items[0]).toMatchObject({
    action: 'user.roles.set',
    actor: opsUser.id,
    reason: 'joined support team',
  });
  // Refreshing picks up the new roles.
  const refreshed = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    payload: { refreshToken: target.refreshToken },
  });
  const claims = JSON.parse(
    Buffer.from(refreshed.json().accessToken.split('.')[1], 'base64url').toString(),
  );
  expect(claims.roles).toEqual(['customer', 'support']);
  expect((await checkInvariant(t.database.db)).balanced).toBe(true);
});

it('the audit log is append-only', async () => {
  await expect(t.database.pool.query('delete from audit_log')).rejects.toThrow(/append-only/);
  await expect(t.database.pool.query("update audit_log set reason = 'x'")).rejects.toThrow(
    /append-only/,
  );
});
