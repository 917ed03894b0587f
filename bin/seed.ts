/**
 * Demo data for `npm start`, loaded through the running API and workflows, the same path a
 * customer takes: sign-up, KYC (auto-approved), a checking account, an ops deposit.
 * Idempotent: a second run finds the users and accounts and only prints the credentials.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createDatabase } from '../db/client';
import { createUser, findUserByEmail } from '../api/lib/users';
import { config } from '../platform/config';

const API = `http://127.0.0.1:${process.env.API_PORT ?? 3000}/api/v1`;
const PASSWORD = 'Harbor-demo-2026!';
const CUSTOMERS = [
  { email: 'alice@demo.harbor', fullName: 'Alice Demo', deposit: 500_000 },
  { email: 'bob@demo.harbor', fullName: 'Bob Demo', deposit: 250_000 },
];
const STAFF = [
  { email: 'support@demo.harbor', roles: ['support' as const] },
  { email: 'ops@demo.harbor', roles: ['ops' as const] },
];

// Smallest valid PNG and PDF: enough for the content sniffing of the KYC document check.
const PNG = Buffer.concat([
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a4a8f5400000000049454e44ae426082',
    'hex',
  ),
  Buffer.alloc(64, 0),
]);
const PDF = Buffer.from(`%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n${'%'.repeat(80)}\n%%EOF\n`);

async function call<T>(
  method: string,
  url: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${API}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function login(email: string): Promise<string> {
  const res = await call<{ accessToken: string }>('POST', '/auth/login', undefined, {
    email,
    password: PASSWORD,
  });
  if (res.status !== 200)
    throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  for (let i = 0; i < seconds * 2; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function upload(
  token: string,
  kind: string,
  file: Buffer,
  name: string,
  type: string,
): Promise<string> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', new Blob([file], { type }), name);
  const res = await fetch(`${API}/kyc/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload ${kind}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function onboard(customer: (typeof CUSTOMERS)[number], opsToken: string): Promise<string> {
  const token = await login(customer.email);
  const accounts = await call<{ items: { id: string; number: string }[] }>(
    'GET',
    '/accounts',
    token,
  );
  if (accounts.body.items?.length) return accounts.body.items[0]!.number;

  const kyc = await call<{ status: string }>('GET', '/kyc', token);
  if (kyc.body.status !== 'APPROVED') {
    const idDocumentId = await upload(token, 'ID_DOCUMENT', PNG, 'passport.png', 'image/png');
    const proofOfAddressDocumentId = await upload(
      token,
      'PROOF_OF_ADDRESS',
      PDF,
      'bill.pdf',
      'application/pdf',
    );
    const submitted = await call('POST', '/kyc', token, {
      legalName: customer.fullName,
      dateOfBirth: '1990-04-12',
      address: { line1: '1 Harbor Street', city: 'Boston', postalCode: '02110', country: 'US' },
      nationalId: `${Math.floor(100_000_000 + Math.random() * 899_999_999)}`,
      idDocumentId,
      proofOfAddressDocumentId,
    });
    if (submitted.status !== 202)
      throw new Error(`kyc: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    await until('KYC approval', async () => {
      const s = await call<{ status: string }>('GET', '/kyc', token);
      if (s.body.status === 'REJECTED') throw new Error('demo KYC was rejected');
      return s.body.status === 'APPROVED' ? true : undefined;
    });
  }

  const opened = await call<{ id: string }>('POST', '/accounts', token, {
    type: 'CHECKING',
    currency: 'USD',
  });
  if (opened.status !== 202)
    throw new Error(`open account: ${opened.status} ${JSON.stringify(opened.body)}`);
  const accountId = opened.body.id;
  const number = await until('account opening', async () => {
    const s = await call<{ status: string; number: string | null }>(
      'GET',
      `/accounts/${accountId}/opening`,
      token,
    );
    return s.body.status === 'OPEN' ? (s.body.number ?? '') : undefined;
  });
  const deposit = await call('POST', '/ops/deposits', opsToken, {
    accountId,
    amount: customer.deposit,
    currency: 'USD',
    reference: `seed-${accountId}`,
  });
  if (deposit.status !== 201)
    throw new Error(`deposit: ${deposit.status} ${JSON.stringify(deposit.body)}`);
  return number;
}

async function main(): Promise<void> {
  const cfg = config();
  const database = createDatabase(cfg.DATABASE_URL, { max: 2 });
  try {
    for (const c of CUSTOMERS) {
      if (!(await findUserByEmail(database.db, c.email))) {
        await createUser(database.db, {
          email: c.email,
          password: PASSWORD,
          fullName: c.fullName,
          roles: ['customer'],
        });
      }
    }
    for (const s of STAFF) {
      if (!(await findUserByEmail(database.db, s.email))) {
        await createUser(database.db, { email: s.email, password: PASSWORD, roles: s.roles });
      }
    }
  } finally {
    await database.close();
  }

  const opsToken = await login('ops@demo.harbor');
  const lines = ['Demo users (password for all: ' + PASSWORD + '):'];
  for (const c of CUSTOMERS) {
    const number = await onboard(c, opsToken);
    lines.push(`  customer  ${c.email}  checking account ${number}`);
  }
  lines.push('  support   support@demo.harbor', '  ops       ops@demo.harbor');
  const out = path.join(cfg.DATA_DIR, 'demo-credentials.txt');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error('seed failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
