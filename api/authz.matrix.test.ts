/**
 * The authorization matrix, generated from the app's registered route table: every /api/v1 route
 * × anonymous / customer / support / ops × own / foreign resource. A new route is covered the
 * moment it is registered; a route with a new resource kind fails here until it gets a fixture.
 *
 * Expectations, from each route's `config.access`:
 * - anonymous → 401 (unless public);
 * - a role the route does not allow → 403;
 * - a customer and someone else's resource → 404 (same as missing), their own → not 401/403/404;
 * - support/ops and anyone's resource → not 401/403/404.
 */
import type { AddressInfo } from 'node:net';
import { checkInvariant } from '../activities/ledger/invariant';
import { scheduledPayments } from '../db/schema/scheduled-payments';
import { newId } from './lib/crypto';
import { effectiveRoles } from './plugins/access';
import {
  createTestAccount,
  createTestTransferRow,
  startTestApp,
  type TestApp,
  type TestUser,
} from './testing/app-fixture';
import type { ResourceKind, Role, RouteInfo } from './types';

let t: TestApp;
let owner: TestUser;
let other: TestUser;
let support: TestUser;
let ops: TestUser;
let baseUrl: string;
const fixtures: Partial<Record<ResourceKind, { own: string; foreign: string }>> = {};

beforeAll(async () => {
  t = await startTestApp();
  [owner, other, support, ops] = await Promise.all([
    t.customer(),
    t.customer(),
    t.support(),
    t.ops(),
  ]);
  const db = t.database.db;
  const ownAcc = await createTestAccount(db, owner.customerId);
  const ownAcc2 = await createTestAccount(db, owner.customerId);
  const foreignAcc = await createTestAccount(db, other.customerId);
  const foreignAcc2 = await createTestAccount(db, other.customerId);
  fixtures.account = { own: ownAcc, foreign: foreignAcc };
  fixtures.transfer = {
    own: await createTestTransferRow(db, {
      customerId: owner.customerId!,
      fromAccountId: ownAcc2,
      toAccountId: foreignAcc2,
    }),
    foreign: await createTestTransferRow(db, {
      customerId: other.customerId!,
      fromAccountId: foreignAcc2,
      toAccountId: ownAcc2,
    }),
  };
  fixtures.customer = { own: owner.customerId!, foreign: other.customerId! };
  fixtures.user = { own: owner.id, foreign: other.id };
  fixtures.schedule = {
    own: await createTestSchedule(owner.customerId!, ownAcc2, foreignAcc2),
    foreign: await createTestSchedule(other.customerId!, foreignAcc2, ownAcc2),
  };
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t.close());

async function createTestSchedule(
  customerId: string,
  fromAccountId: string,
  toAccountId: string,
): Promise<string> {
  const id = newId('schedule');
  await t.database.db.insert(scheduledPayments).values({
    id,
    customerId,
    fromAccountId,
    toAccountId,
    amount: 100n,
    currency: 'USD',
    spec: {
      frequency: 'MONTHLY',
      startAt: new Date(Date.now() + 86_400_000).toISOString(),
      dayOfMonth: 1,
    },
    workflowId: `scheduled-payment-${id}`,
  });
  return id;
}

function apiRoutes(): RouteInfo[] {
  return t.app.routeTable.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'OPTIONS');
}

type Who = 'anonymous' | 'customer' | 'support' | 'ops';
const users = (): Record<Exclude<Who, 'anonymous'>, TestUser> => ({
  customer: owner,
  support,
  ops,
});

function urlFor(route: RouteInfo, which: 'own' | 'foreign'): string {
  const access = route.access && 'roles' in route.access ? route.access : undefined;
  const resource = access?.resource;
  return route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    if (resource && (resource.param ?? 'id') === name) {
      const f = fixtures[resource.kind];
      if (!f)
        throw new Error(
          `No authorization fixture for resource kind "${resource.kind}" (route ${route.method} ${route.url}): add one in api/authz.matrix.test.ts`,
        );
      return f[which];
    }
    return 'zzz_nonexistent00';
  });
}

async function call(route: RouteInfo, url: string, who: Who): Promise<number> {
  const headers: Record<string, string> =
    who === 'anonymous' ? {} : { authorization: users()[who].auth.authorization };
  if (url.endsWith('/stream')) {
    // Streams stay open: read the status over real HTTP, then hang up.
    const ac = new AbortController();
    const res = await fetch(`${baseUrl}${url}`, {
      method: route.method,
      headers,
      signal: ac.signal,
    });
    ac.abort();
    return res.status;
  }
  const res = await t.app.inject({
    method: route.method as 'GET',
    url,
    headers: {
      ...headers,
      ...(route.method === 'GET' || route.method === 'DELETE'
        ? {}
        : { 'content-type': 'application/json' }),
    },
    ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: '{}' }),
  });
  return res.statusCode;
}

describe('authorization matrix (generated from the route table)', () => {
  it('covers the gateway routes', () => {
    const keys = apiRoutes().map((r) => `${r.method} ${r.url}`);
    for (const k of [
      'GET /api/v1/accounts/:id',
      'POST /api/v1/transfers',
      'GET /api/v1/transfers/:id/stream',
      'POST /api/v1/support/transfers/:id/approve',
      'POST /api/v1/ops/deposits',
      'POST /api/v1/ops/users/:id/roles',
      'GET /api/v1/auth/me',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('every route × every role × own/foreign behaves as its access config says', async () => {
    const failures: string[] = [];
    for (const route of apiRoutes()) {
      const access = route.access;
      if (!access) {
        failures.push(`${route.method} ${route.url}: no access config`);
        continue;
      }
      if ('public' in access) continue;
      const label = `${route.method} ${route.url}`;
      const anon = await call(route, urlFor(route, 'own'), 'anonymous');
      if (anon !== 401) failures.push(`${label} anonymous: ${anon}, expected 401`);
      for (const who of ['customer', 'support', 'ops'] as const) {
        const roles = effectiveRoles(users()[who].roles as Role[]);
        const allowed = access.roles.some((r) => roles.has(r));
        if (!allowed) {
          const s = await call(route, urlFor(route, 'own'), who);
          if (s !== 403) failures.push(`${label} ${who}: ${s}, expected 403`);
          continue;
        }
        if (access.resource) {
          const isCustomer = who === 'customer';
          const foreign = await call(route, urlFor(route, 'foreign'), who);
          if (isCustomer && foreign !== 404)
            failures.push(`${label} customer foreign: ${foreign}, expected 404`);
          if (!isCustomer && [401, 403, 404].includes(foreign))
            failures.push(`${label} ${who} any: ${foreign}`);
          const own = await call(route, urlFor(route, 'own'), who);
          if ([401, 403, 404].includes(own)) failures.push(`${label} ${who} own: ${own}`);
        } else {
          const s = await call(route, urlFor(route, 'own'), who);
          if ([401, 403].includes(s)) failures.push(`${label} ${who}: ${s}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect((await checkInvariant(t.database.db)).balanced).toBe(true);
  }, 120_000);

  it('a customer probing an id that does not exist gets the same 404 as a foreign one', async () => {
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/accounts/acc_doesnotexist00',
      headers: owner.auth,
    });
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts/${fixtures.account!.foreign}`,
      headers: owner.auth,
    });
    expect(missing.statusCode).toBe(404);
    expect(foreign.statusCode).toBe(404);
    expect(missing.json().error.code).toBe(foreign.json().error.code);
  });
});
