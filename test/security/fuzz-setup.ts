/**
 * Used by infra/fuzz.sh: a fresh customer for the fuzzer, onboarded through the running API and
 * workers the way bin/seed.ts does it (register, KYC with documents → auto-approval, two checking
 * accounts, one funded by an ops deposit). Writes `{ email, password, ids }` as JSON to argv[2].
 *
 *   FUZZ_API_URL=http://127.0.0.1:3100 tsx test/security/fuzz-setup.ts out.json
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createDatabase } from '../../db/client';
import { createUser } from '../../api/lib/users';
import { config } from '../../platform/config';

const API = `${process.env.FUZZ_API_URL ?? 'http://127.0.0.1:3000'}/api/v1`;
/** A fixed client address: the fuzz API trusts X-Forwarded-For, so lockouts stay off 127.0.0.1. */
const CLIENT_IP = process.env.FUZZ_CLIENT_IP ?? '10.250.0.1';

const PNG = Buffer.concat([
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a4a8f5400000000049454e44ae426082',
    'hex',
  ),
  Buffer.alloc(64, 0),
]);
const PDF = Buffer.from(`%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n${'%'.repeat(80)}\n%%EOF\n`);

const password = () => `Fz-${randomBytes(12).toString('base64url')}-9a`;

async function call<T>(method: string, url: string, token?: string, body?: unknown) {
  const res = await fetch(`${API}${url}`, {
    method,
    headers: {
      'x-forwarded-for': CLIENT_IP,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

function expectStatus(what: string, res: { status: number; body: unknown }, status: number) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, seconds = 90): Promise<T> {
  for (let i = 0; i < seconds * 2; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function login(email: string, pw: string): Promise<string> {
  const res = await call<{ accessToken: string }>('POST', '/auth/login', undefined, {
    email,
    password: pw,
  });
  expectStatus(`login ${email}`, res, 200);
  return res.body.accessToken;
}

async function upload(token: string, kind: string, file: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', new Blob([file], { type }), name);
  const res = await fetch(`${API}/kyc/documents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'idempotency-key': randomUUID(),
      'x-forwarded-for': CLIENT_IP,
    },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload ${kind}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function openAccount(token: string): Promise<string> {
  const opened = await call<{ id: string }>('POST', '/accounts', token, {
    type: 'CHECKING',
    currency: 'USD',
  });
  expectStatus('open account', opened, 202);
  const id = opened.body.id;
  await until('account opening', async () => {
    const s = await call<{ status: string }>('GET', `/accounts/${id}/opening`, token);
    return s.body.status === 'OPEN' ? true : undefined;
  });
  return id;
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: fuzz-setup.ts <out.json>');
  const tag = randomBytes(4).toString('hex');
  const customer = { email: `fuzz-${tag}@fuzz.harbor`, password: password() };
  const ops = { email: `fuzz-ops-${tag}@fuzz.harbor`, password: password() };

  const database = createDatabase(config().DATABASE_URL, { max: 1 });
  try {
    await createUser(database.db, { ...ops, roles: ['ops'] });
  } finally {
    await database.close();
  }
  const registered = await call<{ customerId: string }>('POST', '/auth/register', undefined, {
    ...customer,
    fullName: 'Fuzz Customer',
  });
  expectStatus('register', registered, 201);
  const token = await login(customer.email, customer.password);
  const opsToken = await login(ops.email, ops.password);

  const idDocumentId = await upload(token, 'ID_DOCUMENT', PNG, 'passport.png', 'image/png');
  const poaDocumentId = await upload(token, 'PROOF_OF_ADDRESS', PDF, 'bill.pdf', 'application/pdf');
  const kyc = await call('POST', '/kyc', token, {
    legalName: 'Fuzz Customer',
    dateOfBirth: '1990-04-12',
    address: { line1: '1 Harbor Street', city: 'Boston', postalCode: '02110', country: 'US' },
    nationalId: `${100_000_000 + (randomBytes(4).readUInt32BE() % 899_999_999)}`,
    idDocumentId,
    proofOfAddressDocumentId: poaDocumentId,
  });
  expectStatus('kyc', kyc, 202);
  await until('KYC approval', async () => {
    const s = await call<{ status: string }>('GET', '/kyc', token);
    if (s.body.status === 'REJECTED') throw new Error('fuzz customer KYC was rejected');
    return s.body.status === 'APPROVED' ? true : undefined;
  });
  const [accountId, accountId2] = await Promise.all([openAccount(token), openAccount(token)]);
  const deposit = await call('POST', '/ops/deposits', opsToken, {
    accountId,
    amount: 1_000_000,
    currency: 'USD',
    reference: `fuzz-${tag}`,
  });
  expectStatus('deposit', deposit, 201);
  const transfer = await call<{ id: string }>('POST', '/transfers', token, {
    fromAccountId: accountId,
    toAccountId: accountId2,
    amount: 1_000,
    currency: 'USD',
    memo: 'fuzz seed',
  });
  if (![201, 202].includes(transfer.status)) expectStatus('transfer', transfer, 201);

  const ids = {
    customerId: registered.body.customerId,
    accountIds: [accountId, accountId2],
    transferIds: [transfer.body.id],
    documentIds: [idDocumentId, poaDocumentId],
  };
  // A fresh token for the whole run (the fuzz API issues long-lived ones).
  const accessToken = await login(customer.email, customer.password);
  fs.writeFileSync(
    out,
    JSON.stringify({ ...customer, accessToken, clientIp: CLIENT_IP, ids }, null, 2),
    { mode: 0o600 },
  );
  console.log(`fuzz customer ${customer.email}: accounts ${ids.accountIds.join(', ')}`);
}

main().catch((err: unknown) => {
  console.error('fuzz setup failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
