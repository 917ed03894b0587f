/**
 * Bench customers through the real services: users (with their customer record) from
 * api/lib/users, customer accounts from the ledger service, funded from settlement by the ledger's
 * deposit, and access tokens from the running API's login route.
 */
import { randomUUID } from 'node:crypto';
import { createLedgerService } from '../../activities/ledger/ledger.service';
import { createUser } from '../../api/lib/users';
import type { Db } from '../../db/client';

export const BENCH_PASSWORD = 'Bench-harbor-2026!pw';

export interface BenchCustomer {
  userId: string;
  customerId: string;
  email: string;
  accountId: string;
}

/** Creates `count` customers, one funded USD checking account each. */
export async function createCustomers(
  db: Db,
  count: number,
  fundMinor: bigint,
): Promise<BenchCustomer[]> {
  const ledger = createLedgerService(db);
  await ledger.ensureSystemAccounts(['USD']);
  const run = randomUUID().slice(0, 8);
  const out: BenchCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const email = `bench-${run}-${i}@bench.harbor`;
    const user = await createUser(db, {
      email,
      password: BENCH_PASSWORD,
      fullName: `Bench ${i}`,
      roles: ['customer'],
    });
    const accountId = `acc_bench${run}${String(i).padStart(5, '0')}`;
    await ledger.createAccount({
      id: accountId,
      customerId: user.customerId,
      currency: 'USD',
      kind: 'customer',
      type: 'CHECKING',
    });
    await ledger.deposit({
      id: `bench-fund-${accountId}`,
      accountId,
      amount: fundMinor,
      currency: 'USD',
      reference: 'bench funding',
    });
    out.push({ userId: user.id, customerId: user.customerId!, email, accountId });
  }
  return out;
}

/** Logs a customer in through the API; returns the access token. */
export async function login(apiBase: string, email: string): Promise<string> {
  const res = await fetch(`${apiBase}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken) {
    throw new Error(`bench login failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.accessToken;
}
