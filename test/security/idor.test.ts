/**
 * Cross-tenant IDOR sweep, generated from the app's own OpenAPI document and route table: every
 * id-bearing input (path parameter, query parameter, top-level body field) of every operation a
 * customer may call is filled, one at a time, with a real id of ANOTHER customer's resource. Each
 * must answer 404, and nothing that either customer owns may change. A new route or id field is
 * swept the moment it is registered; one whose id kind cannot be inferred fails here until it is
 * given a kind below.
 *
 * Staff-only id routes answer a customer 403 by role, before any lookup: for those the sweep
 * checks that a real foreign id and a made-up id get the same answer (no existence oracle).
 * Payee fields (toAccountId, toAccountNumber) legitimately name someone else's account.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'drizzle-orm';
import { kycDocuments } from '../../db/schema/kyc';
import { notifications } from '../../db/schema/notifications';
import { scheduledPayments } from '../../db/schema/scheduled-payments';
import { newId } from '../../api/lib/crypto';
import {
  createTestAccount,
  createTestTransferRow,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../../api/testing/app-fixture';
import { uniqueTaskQueue, workflowEnv } from '../harness';
import { expectLedgerBalanced } from '../ledger';

type Kind =
  | 'account'
  | 'transfer'
  | 'schedule'
  | 'customer'
  | 'user'
  | 'document'
  | 'notification'
  | 'fraudRule';

/** Inputs that may name someone else's resource by design. */
const PAYEE_FIELDS = new Set(['toAccountId', 'toAccountNumber']);
/** Named like ids but not references to a resource (a national id is the applicant's data). */
const NOT_RESOURCE_IDS = new Set(['nationalId']);

/** The kind of id an input carries, from its name and the path it sits in. */
function kindOf(name: string, path: string): Kind | undefined {
  if (name === 'id') {
    const segment = path.split('/{id}')[0]!.split('/').pop();
    const bySegment: Record<string, Kind> = {
      accounts: 'account',
      transfers: 'transfer',
      'scheduled-payments': 'schedule',
      users: 'user',
      'fraud-rules': 'fraudRule',
      notifications: 'notification',
      documents: 'document',
    };
    return segment ? bySegment[segment] : undefined;
  }
  if (/^(from)?accountid$/i.test(name)) return 'account';
  if (/^customerid$/i.test(name)) return 'customer';
  if (/^transferid$/i.test(name)) return 'transfer';
  if (/^userid$/i.test(name)) return 'user';
  if (/documentid$/i.test(name)) return 'document';
  if (/^scheduleid$/i.test(name)) return 'schedule';
  if (/^notificationid$/i.test(name)) return 'notification';
  return undefined;
}

const isIdName = (name: string) =>
  name === 'id' || /Id$/.test(name) || /accountnumber$/i.test(name);

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}
type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOperation>> };

let t: TestApp;
let env: TestWorkflowEnvironment;
let a: TestUser; // the attacker
let b: TestUser; // the victim
const own: Record<string, string> = {};
const victim: Partial<Record<Kind, string>> = {};

async function insertDocument(customerId: string, kind: 'ID_DOCUMENT' | 'PROOF_OF_ADDRESS') {
  const id = `doc_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await t.database.db.insert(kycDocuments).values({
    id,
    customerId,
    kind,
    mimeType: 'image/png',
    sizeBytes: 256,
    sha256: '0'.repeat(64),
    storagePath: `documents/${id}`,
  });
  return id;
}

async function insertSchedule(customerId: string, fromAccountId: string, toAccountId: string) {
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

beforeAll(async () => {
  env = await workflowEnv('existing');
  // A real Temporal client on a queue no worker polls: if an ownership check were missing, the
  // request would get as far as starting a workflow, and the sweep would see the non-404.
  t = await startTestApp(
    {},
    { temporal: async () => env.client, config: { TEMPORAL_TASK_QUEUE: uniqueTaskQueue('idor') } },
  );
  [a, b] = await Promise.all([t.customer(), t.customer()]);
  const db = t.database.db;
  own.account = await createTestAccount(db, a.customerId, { fund: 50_000n });
  own.account2 = await createTestAccount(db, a.customerId);
  own.idDocument = await insertDocument(a.customerId!, 'ID_DOCUMENT');
  own.poaDocument = await insertDocument(a.customerId!, 'PROOF_OF_ADDRESS');
  const bAccount = await createTestAccount(db, b.customerId, { fund: 70_000n });
  const bAccount2 = await createTestAccount(db, b.customerId);
  victim.account = bAccount;
  victim.transfer = await createTestTransferRow(db, {
    customerId: b.customerId!,
    fromAccountId: bAccount,
    toAccountId: bAccount2,
    status: 'AWAITING_REVIEW',
  });
  victim.schedule = await insertSchedule(b.customerId!, bAccount, bAccount2);
  victim.customer = b.customerId!;
  victim.user = b.id;
  victim.document = await insertDocument(b.customerId!, 'ID_DOCUMENT');
  victim.notification = `ntf_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await db.insert(notifications).values({
    id: victim.notification,
    customerId: b.customerId!,
    category: 'transfers',
    template: 'transfer.completed',
    title: 'Money sent',
    body: 'fixture',
  });
  victim.fraudRule = 'frr_doesnotexist';
});

afterAll(async () => {
  await t?.close();
  await env?.teardown();
});

/** Valid bodies for A's own request; the sweep swaps one id field at a time for B's. */
function baseBody(method: string, path: string): Record<string, unknown> | undefined {
  const key = `${method} ${path}`;
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /api/v1/transfers': {
      fromAccountId: own.account,
      toAccountId: own.account2,
      amount: 100,
      currency: 'USD',
      memo: 'idor sweep',
    },
    'POST /api/v1/scheduled-payments': {
      fromAccountId: own.account,
      toAccountId: own.account2,
      amount: 100,
      currency: 'USD',
      schedule: { frequency: 'ONCE', startAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    },
    'POST /api/v1/kyc': {
      legalName: 'Attacker Person',
      dateOfBirth: '1990-01-01',
      address: { line1: '1 Main St', city: 'Boston', postalCode: '02110', country: 'US' },
      nationalId: '123456789',
      idDocumentId: own.idDocument,
      proofOfAddressDocumentId: own.poaDocument,
    },
    'POST /api/v1/accounts': { type: 'CHECKING', currency: 'USD' },
  };
  return bodies[key];
}

/** Everything A or B owns, as one comparable value. */
async function ownedState(): Promise<unknown> {
  const customers = [a.customerId!, b.customerId!];
  const list = sql.join(
    customers.map((c) => sql`${c}`),
    sql`, `,
  );
  const accs = sql`(select id from accounts where customer_id in (${list}))`;
  const res = await t.database.db.execute(sql`
    select json_build_object(
      'accounts', (select json_agg(json_build_object('id', id, 'status', status,
        'dp', debits_pending::text, 'dq', debits_posted::text, 'cp', credits_pending::text,
        'cq', credits_posted::text) order by id) from accounts where customer_id in (${list})),
      'transfers', (select json_agg(json_build_object('id', id, 'status', status, 'v', version)
        order by id) from transfers where customer_id in (${list})
        or from_account_id in ${accs} or to_account_id in ${accs}),
      'ledger', (select count(*) from ledger_transfers
        where debit_account_id in ${accs} or credit_account_id in ${accs}),
      'schedules', (select json_agg(row_to_json(s) order by id) from scheduled_payments s
        where customer_id in (${list})),
      'kyc', (select json_agg(json_build_object('id', id, 'status', status) order by id)
        from kyc_applications where customer_id in (${list})),
      'documents', (select count(*) from kyc_documents where customer_id in (${list})),
      'customers', (select json_agg(row_to_json(c) order by id) from customers c
        where id in (${list})),
      'roles', (select json_agg(json_build_object('id', id, 'roles', roles) order by id)
        from users where customer_id in (${list})),
      'notifications', (select json_agg(json_build_object('id', id, 'read', read_at) order by id)
        from notifications where customer_id in (${list})),
      'audit', (select count(*) from audit_log where target = any(array[${list}]))
    ) as state`);
  return (res.rows[0] as { state: unknown }).state;
}

interface Probe {
  label: string;
  method: string;
  url: string;
  body?: Record<string, unknown>;
  kind: Kind;
  where: 'path' | 'query' | 'body';
  customerAllowed: boolean;
}

function routeAllowsCustomer(method: string, openApiPath: string): boolean {
  const url = openApiPath.replace(/\{([^}]+)\}/g, ':$1');
  const route = t.app.routeTable.find((r) => r.method === method && r.url === url);
  if (!route?.access) throw new Error(`${method} ${openApiPath} is not in the route table`);
  return 'roles' in route.access && route.access.roles.includes('customer');
}

async function buildProbes(): Promise<{ probes: Probe[]; unknown: string[] }> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  const doc = res.json<OpenApiDoc>();
  const probes: Probe[] = [];
  const unknown: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
      const customerAllowed = routeAllowsCustomer(method, path);
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const queryIds = (op.parameters ?? [])
        .filter((p) => p.in === 'query' && isIdName(p.name))
        .map((p) => p.name);
      const jsonBody = op.requestBody?.content?.['application/json']?.schema?.properties ?? {};
      const bodyIds = Object.keys(jsonBody).filter(isIdName);

      const fill = (name: string): string => {
        const kind = kindOf(name, path);
        if (kind === 'account') return own.account!;
        if (kind === 'customer') return a.customerId!;
        if (kind === 'user') return a.id;
        return `${kind ?? 'x'}_zzz_nonexistent`;
      };
      const urlWith = (target?: string, value?: string) =>
        path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
          encodeURIComponent(name === target ? value! : fill(name)),
        );
      const add = (name: string, where: Probe['where']) => {
        if (PAYEE_FIELDS.has(name) || NOT_RESOURCE_IDS.has(name)) return;
        const kind = kindOf(name, path);
        const label = `${method} ${path} ${where}:${name}`;
        if (!kind) {
          unknown.push(label);
          return;
        }
        const value = victim[kind]!;
        if (where === 'path') {
          probes.push({ label, method, url: urlWith(name, value), kind, where, customerAllowed });
        } else if (where === 'query') {
          const url = `${urlWith()}?${new URLSearchParams({ [name]: value })}`;
          probes.push({ label, method, url, kind, where, customerAllowed });
        } else {
          // Staff-only routes refuse a customer by role before the body is even read.
          const base = customerAllowed ? baseBody(method, path) : {};
          if (!base) {
            unknown.push(`${label} (no valid base body: add one in baseBody())`);
            return;
          }
          probes.push({
            label,
            method,
            url: urlWith(),
            body: { ...base, [name]: value },
            kind,
            where,
            customerAllowed,
          });
        }
      };
      pathParams.forEach((n) => add(n, 'path'));
      queryIds.forEach((n) => add(n, 'query'));
      bodyIds.forEach((n) => add(n, 'body'));
    }
  }
  return { probes, unknown };
}

async function send(probe: Pick<Probe, 'method' | 'url' | 'body'>) {
  return t.app.inject({
    method: probe.method as 'GET',
    url: probe.url,
    headers: {
      ...a.auth,
      ...(probe.method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      ...(probe.body || ['POST', 'PUT', 'PATCH'].includes(probe.method)
        ? { 'content-type': 'application/json' }
        : {}),
    },
    ...(probe.body
      ? { payload: JSON.stringify(probe.body) }
      : ['POST', 'PUT', 'PATCH'].includes(probe.method)
        ? { payload: JSON.stringify({ reason: 'idor sweep' }) }
        : {}),
  });
}

describe('cross-tenant IDOR sweep (from the OpenAPI document)', () => {
  let probes: Probe[];

  beforeAll(async () => {
    const built = await buildProbes();
    probes = built.probes;
    expect(built.unknown).toEqual([]);
  });

  it('finds the id-bearing inputs of the gateway', () => {
    const labels = probes.map((p) => p.label);
    for (const expected of [
      'GET /api/v1/accounts/{id} path:id',
      'GET /api/v1/transfers/{id} path:id',
      'GET /api/v1/transfers/{id}/stream path:id',
      'DELETE /api/v1/scheduled-payments/{id} path:id',
      'GET /api/v1/transfers query:accountId',
      'POST /api/v1/transfers body:fromAccountId',
      'POST /api/v1/scheduled-payments body:fromAccountId',
      'POST /api/v1/kyc body:idDocumentId',
      'POST /api/v1/support/kyc/{customerId}/approve path:customerId',
    ]) {
      expect(labels).toContain(expected);
    }
    expect(probes.filter((p) => p.customerAllowed).length).toBeGreaterThanOrEqual(15);
  });

  it("customer A gets 404 for every one of customer B's ids, and nothing changes", async () => {
    const before = await ownedState();
    const failures: string[] = [];
    for (const probe of probes.filter((p) => p.customerAllowed)) {
      const res = await send(probe);
      if (res.statusCode !== 404) {
        failures.push(`${probe.label}: ${res.statusCode} ${res.body.slice(0, 160)}`);
        continue;
      }
      const body = res.json<{ error?: { code?: string } }>();
      if (!body.error?.code) failures.push(`${probe.label}: 404 without an error code`);
      // The answer must not echo anything of B's beyond the id A sent.
      for (const leak of [b.email, String(70_000)]) {
        if (res.body.includes(leak)) failures.push(`${probe.label}: body mentions ${leak}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await ownedState()).toEqual(before);
    await expectLedgerBalanced(t.database.db);
  }, 120_000);

  it('A foreign id and a made-up id look the same to a customer (no existence oracle)', async () => {
    const failures: string[] = [];
    for (const probe of probes) {
      const real = await send(probe);
      const fake = await send({
        ...probe,
        url: probe.url.split(victim[probe.kind]!).join(`${probe.kind}_zzz_nonexistent`),
        body: probe.body
          ? Object.fromEntries(
              Object.entries(probe.body).map(([k, v]) => [
                k,
                v === victim[probe.kind] ? `${probe.kind}_zzz_nonexistent` : v,
              ]),
            )
          : undefined,
      });
      const shape = (r: typeof real) =>
        `${r.statusCode} ${r.json<{ error?: { code?: string } }>().error?.code}`;
      if (shape(real) !== shape(fake)) {
        failures.push(`${probe.label}: foreign ${shape(real)} vs missing ${shape(fake)}`);
      }
      if (!probe.customerAllowed && real.statusCode !== 403) {
        failures.push(`${probe.label}: staff-only route answered a customer ${real.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
