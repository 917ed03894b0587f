/**
 * GET /api/v1/transfers history filters (dates, amounts, status, counterparty) with cursor
 * pagination under filters, their validation, and that they appear in the OpenAPI document.
 * Rows are written straight into the transfers read model: this is a read path.
 */
import { eq } from 'drizzle-orm';
import { createLedgerService } from '../activities/ledger/ledger.service';
import { customers } from '../db/schema/customers';
import { transfers } from '../db/schema/transfers';
import type { TransferStatus } from '../domain/transfer';
import { expectLedgerBalanced } from '../test/ledger';
import { newId } from './lib/crypto';
import { startTestApp, type TestApp, type TestUser } from './testing/app-fixture';

jest.setTimeout(60_000);

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let support: TestUser;
const acc: Record<'alice1' | 'alice2' | 'bob' | 'carol', { id: string; number: string }> =
  {} as never;

/** Account numbers unique per run (the column is unique): 10 digits. */
const runTag = String(Date.now() % 1_000_000).padStart(6, '0');
const numberFor = (n: number) => `9${runTag}${String(n).padStart(3, '0')}`;

interface Row {
  id: string;
  from: keyof typeof acc;
  to: keyof typeof acc;
  amount: bigint;
  status: TransferStatus;
  at: string;
  by: () => TestUser;
}
const rows: Row[] = [];

async function insertRow(r: Omit<Row, 'id'>): Promise<void> {
  const id = newId('transfer');
  const at = new Date(r.at);
  await t.database.db.insert(transfers).values({
    id,
    workflowId: `transfer-${id}`,
    customerId: r.by().customerId!,
    fromAccountId: acc[r.from].id,
    toAccountId: acc[r.to].id,
    amount: r.amount,
    currency: 'USD',
    memo: null,
    status: r.status,
    timeline: [{ status: r.status, at: at.toISOString() }],
    version: 1,
    createdAt: at,
    updatedAt: at,
  });
  rows.push({ ...r, id });
}

const get = (user: TestUser, query: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/transfers?${query}`, headers: user.auth });

/** Every id over all pages of a filtered query, following nextCursor. */
async function allPages(user: TestUser, query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const q = `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await get(user, q);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

/** The expected ids, newest first (ties: id desc), as the API orders them. */
const expected = (pred: (r: Row) => boolean) =>
  rows
    .filter(pred)
    .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
    .map((r) => r.id);

beforeAll(async () => {
  t = await startTestApp({ docs: true });
  [alice, bob, carol, support] = await Promise.all([
    t.customer(),
    t.customer(),
    t.customer(),
    t.support(),
  ]);
  const names: [TestUser, string][] = [
    [alice, 'Alice Mbeki'],
    [bob, 'Bob Okonkwo-Lind'],
    [carol, 'Carol 100%_Real'],
  ];
  for (const [u, name] of names) {
    await t.database.db
      .update(customers)
      .set({ fullName: name })
      .where(eq(customers.id, u.customerId!));
  }
  const ledger = createLedgerService(t.database.db);
  const owners: [keyof typeof acc, TestUser, number][] = [
    ['alice1', alice, 1],
    ['alice2', alice, 2],
    ['bob', bob, 3],
    ['carol', carol, 4],
  ];
  for (const [key, owner, n] of owners) {
    const id = newId('account');
    await ledger.createAccount({
      id,
      customerId: owner.customerId,
      currency: 'USD',
      kind: 'customer',
      type: 'CHECKING',
      number: numberFor(n),
    });
    acc[key] = { id, number: numberFor(n) };
  }
  const seed: Omit<Row, 'id'>[] = [
    {
      from: 'alice1',
      to: 'bob',
      amount: 1_000n,
      status: 'COMPLETED',
      at: '2026-03-01T10:00:00Z',
      by: () => alice,
    },
    {
      from: 'alice1',
      to: 'bob',
      amount: 25_000n,
      status: 'COMPLETED',
      at: '2026-03-05T23:59:59.999Z',
      by: () => alice,
    },
    {
      from: 'alice1',
      to: 'carol',
      amount: 5_000n,
      status: 'FAILED',
      at: '2026-03-06T00:00:00Z',
      by: () => alice,
    },
    {
      from: 'alice2',
      to: 'alice1',
      amount: 7_500n,
      status: 'COMPLETED',
      at: '2026-03-10T08:00:00Z',
      by: () => alice,
    },
    {
      from: 'bob',
      to: 'alice2',
      amount: 3_000n,
      status: 'COMPLETED',
      at: '2026-03-12T12:00:00Z',
      by: () => bob,
    },
    {
      from: 'carol',
      to: 'alice1',
      amount: 99_999n,
      status: 'AWAITING_REVIEW',
      at: '2026-03-20T09:00:00Z',
      by: () => carol,
    },
    {
      from: 'bob',
      to: 'carol',
      amount: 4_000n,
      status: 'COMPLETED',
      at: '2026-03-21T09:00:00Z',
      by: () => bob,
    },
  ];
  // Several rows at the same instant: the keyset cursor must break ties by id.
  for (let i = 0; i < 5; i++) {
    seed.push({
      from: 'alice1',
      to: 'bob',
      amount: BigInt(2_000 + i),
      status: 'COMPLETED',
      at: '2026-03-15T15:00:00Z',
      by: () => alice,
    });
  }
  for (const r of seed) await insertRow(r);
});

afterAll(async () => {
  await t?.close();
});

const aliceSees = (r: Row) =>
  ['alice1', 'alice2'].includes(r.from) || ['alice1', 'alice2'].includes(r.to);

it('customers see transfers from and to their accounts, incoming ones included', async () => {
  expect(await allPages(alice, '', 100)).toEqual(expected(aliceSees));
  // Bob never sees carol → alice (neither side is his).
  const bobIds = await allPages(bob, '', 100);
  expect(bobIds).toEqual(expected((r) => r.from === 'bob' || r.to === 'bob'));
});

it('filters by date range (date-only bounds cover whole UTC days), amount range and status', async () => {
  const inMarch5to12 = (r: Row) => r.at >= '2026-03-05' && r.at < '2026-03-13';
  expect(await allPages(alice, 'createdFrom=2026-03-05&createdTo=2026-03-12', 2)).toEqual(
    expected((r) => aliceSees(r) && inMarch5to12(r)),
  );
  // A date-time upper bound is inclusive to the millisecond.
  expect(
    await allPages(alice, 'createdFrom=2026-03-05T23:59:59.999Z&createdTo=2026-03-06T00:00:00Z', 5),
  ).toEqual(
    expected(
      (r) => aliceSees(r) && ['2026-03-05T23:59:59.999Z', '2026-03-06T00:00:00Z'].includes(r.at),
    ),
  );
  expect(await allPages(alice, 'minAmount=2001&maxAmount=7500', 2)).toEqual(
    expected((r) => aliceSees(r) && r.amount >= 2_001n && r.amount <= 7_500n),
  );
  expect(await allPages(alice, 'status=COMPLETED&minAmount=2000&createdTo=2026-03-31', 3)).toEqual(
    expected((r) => aliceSees(r) && r.status === 'COMPLETED' && r.amount >= 2_000n),
  );
  expect(await allPages(alice, 'status=REJECTED', 3)).toEqual([]);
});

it('filters by counterparty: account number fragment or holder name, on the other side only', async () => {
  // By Bob's number typed with spaces, and by a fragment of his name.
  const spaced = `${acc.bob.number.slice(0, 4)} ${acc.bob.number.slice(4, 8)} ${acc.bob.number.slice(8)}`;
  const withBob = expected((r) => aliceSees(r) && (r.from === 'bob' || r.to === 'bob'));
  expect(withBob.length).toBeGreaterThan(5);
  expect(await allPages(alice, `counterparty=${encodeURIComponent(spaced)}`, 3)).toEqual(withBob);
  expect(await allPages(alice, 'counterparty=okonkwo', 3)).toEqual(withBob);
  // LIKE wildcards in the fragment are literal: "100%_" matches Carol only.
  expect(await allPages(alice, `counterparty=${encodeURIComponent('100%_')}`, 3)).toEqual(
    expected((r) => aliceSees(r) && (r.from === 'carol' || r.to === 'carol')),
  );
  expect(await allPages(alice, `counterparty=${encodeURIComponent('o%l')}`, 3)).toEqual([]);
  // Alice's own name is not a counterparty of her payments to others…
  expect(await allPages(alice, 'counterparty=mbeki', 5)).toEqual(
    expected((r) => r.from.startsWith('alice') && r.to.startsWith('alice')),
  );
  // …and with an account filter, the counterparty is the side other than that account.
  expect(
    await allPages(alice, `accountId=${acc.alice2.id}&counterparty=${acc.alice1.number}`, 5),
  ).toEqual(expected((r) => r.from === 'alice2' && r.to === 'alice1'));
  // Staff search every transfer, either side.
  const staff = await allPages(
    support,
    'counterparty=okonkwo&createdFrom=2026-03-01&createdTo=2026-03-31',
    4,
  );
  expect(staff).toEqual(expected((r) => r.from === 'bob' || r.to === 'bob'));
});

it('list items name both accounts by number', async () => {
  const res = await get(alice, `counterparty=${acc.carol.number}&status=AWAITING_REVIEW`);
  expect(res.json().items).toEqual([
    expect.objectContaining({
      fromAccountId: acc.carol.id,
      fromAccountNumber: acc.carol.number,
      toAccountNumber: acc.alice1.number,
      amount: 99_999,
    }),
  ]);
  // The view carries account numbers only: no holder name, email or customer id.
  const json = res.body;
  expect(json).not.toContain('Carol');
  expect(json).not.toContain(carol.customerId!);
});

it('rejects bad filters with 400 VALIDATION_FAILED naming the field', async () => {
  const cases: [string, string | undefined][] = [
    ['createdFrom=2026-03-10&createdTo=2026-03-09', 'createdTo'],
    ['createdFrom=2026-03-10T00:00:01Z&createdTo=2026-03-10T00:00:00Z', 'createdTo'],
    ['createdFrom=2026-02-31', 'createdFrom'],
    ['createdTo=yesterday', undefined],
    ['createdFrom=2026-13-01', 'createdFrom'],
    ['minAmount=500&maxAmount=499', 'maxAmount'],
    ['minAmount=-1', undefined],
    ['minAmount=10.5', undefined],
    ['maxAmount=abc', undefined],
    ['maxAmount=2000000000000000', 'maxAmount'],
    [`counterparty=${'x'.repeat(101)}`, undefined],
    ['counterparty=%20%20', 'counterparty'],
    // PostgreSQL text cannot hold U+0000: refused up front, not a 500 from the query (fuzzer find).
    ['counterparty=ab%00cd&status=FAILED', undefined],
    ['status=DONE', undefined],
    ['amountMin=1', undefined],
  ];
  for (const [q, field] of cases) {
    const res = await get(alice, q);
    expect([q, res.statusCode, res.json().error?.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    if (field) expect([q, res.json().error.details.field]).toEqual([q, field]);
  }
  // Same-day bounds are fine.
  expect((await get(alice, 'createdFrom=2026-03-10&createdTo=2026-03-10')).statusCode).toBe(200);
});

it('documents every filter in the OpenAPI document', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  }>();
  const params = (doc.paths['/api/v1/transfers']?.get?.parameters ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => p.name);
  expect(params).toEqual(
    expect.arrayContaining([
      'limit',
      'cursor',
      'accountId',
      'status',
      'createdFrom',
      'createdTo',
      'minAmount',
      'maxAmount',
      'counterparty',
    ]),
  );
  await expectLedgerBalanced(t.database.db);
});
