import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { API_URL, REPO_ROOT } from './env';

export const PASSWORD = 'Harbor-e2e-Pass-7!';

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} → ${status} ${JSON.stringify(body)}`);
  }
}

async function call<T = any>(
  method: string,
  p: string,
  opts: { token?: string; body?: unknown; idem?: boolean; form?: FormData } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idem) headers['idempotency-key'] = randomUUID();
  const res = await fetch(`${API_URL}/api/v1${p}`, {
    method,
    headers,
    body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiCallError(res.status, json, `${method} ${p}`);
  return json as T;
}

export const api = {
  call,
  async login(email: string, password = PASSWORD): Promise<string> {
    const r = await call<{ accessToken: string }>('POST', '/auth/login', {
      body: { email, password },
    });
    return r.accessToken;
  },
  async register(tag: string) {
    const email = `e2e-${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
    await call('POST', '/auth/register', {
      body: { email, password: PASSWORD, fullName: `Avery ${tag} Quill` },
    });
    return { email, token: await api.login(email) };
  },
  me: (token: string) => call('GET', '/auth/me', { token }),
  async passKyc(token: string, name: string) {
    const idDoc = await uploadDoc(token, 'ID_DOCUMENT');
    const poa = await uploadDoc(token, 'PROOF_OF_ADDRESS');
    await call('POST', '/kyc', {
      token,
      idem: true,
      body: {
        legalName: name,
        dateOfBirth: '1988-04-12',
        address: { line1: '12 Harbour Road', city: 'Portland', postalCode: '97201', country: 'US' },
        nationalId: '123-45-6789',
        idDocumentId: idDoc,
        proofOfAddressDocumentId: poa,
      },
    });
    return waitFor(async () => {
      const k = await call<{ status: string }>('GET', '/kyc', { token });
      return k.status === 'APPROVED' ? k : undefined;
    }, 'KYC APPROVED');
  },
  async openAccount(token: string, currency = 'USD') {
    const r = await call<{ id: string }>('POST', '/accounts', {
      token,
      idem: true,
      body: { type: 'CHECKING', currency },
    });
    return waitFor(async () => {
      const a = await call<any>('GET', `/accounts/${r.id}`, { token }).catch(() => undefined);
      return a?.status === 'ACTIVE' ? a : undefined;
    }, 'account ACTIVE');
  },
  account: (token: string, id: string) => call<any>('GET', `/accounts/${id}`, { token }),
  deposit: (opsToken: string, accountId: string, amount: number, currency = 'USD') =>
    call('POST', '/ops/deposits', {
      token: opsToken,
      idem: true,
      body: { accountId, amount, currency, reference: `e2e-${randomUUID()}` },
    }),
  transfers: (token: string) => call<{ items: any[] }>('GET', '/transfers?limit=50', { token }),
};

/** A tiny valid PNG (magic bytes + padding past the 64-byte minimum). */
export function pngBytes(): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(120, 7),
  ]);
}
export function pdfBytes(): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.alloc(120, 32),
    Buffer.from('\n%%EOF\n'),
  ]);
}

async function uploadDoc(token: string, kind: 'ID_DOCUMENT' | 'PROOF_OF_ADDRESS') {
  const form = new FormData();
  form.append('kind', kind);
  form.append(
    'file',
    new Blob([new Uint8Array(kind === 'ID_DOCUMENT' ? pngBytes() : pdfBytes())], {
      type: kind === 'ID_DOCUMENT' ? 'image/png' : 'application/pdf',
    }),
    kind === 'ID_DOCUMENT' ? 'id.png' : 'bill.pdf',
  );
  const r = await call<{ id: string }>('POST', '/kyc/documents', { token, form, idem: true });
  return r.id;
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    // Poll at 1/s: the API allows 100 requests a minute per user.
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * A staff user (support or ops). From E2E_<ROLE>_EMAIL/PASSWORD when given; otherwise created in the
 * app database through the API's own createUser (web/e2e/support/seed-staff.ts, run with tsx).
 */
export async function staffToken(
  role: 'support' | 'ops',
): Promise<{ email: string; password: string; token: string }> {
  const envEmail = process.env[`E2E_${role.toUpperCase()}_EMAIL`];
  const envPassword = process.env[`E2E_${role.toUpperCase()}_PASSWORD`];
  if (envEmail && envPassword)
    return {
      email: envEmail,
      password: envPassword,
      token: await api.login(envEmail, envPassword),
    };
  const email = `e2e-${role}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  execFileSync(
    path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [path.join(REPO_ROOT, 'web/e2e/support/seed-staff.ts'), role, email, PASSWORD],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: process.env,
    },
  );
  return { email, password: PASSWORD, token: await api.login(email) };
}
