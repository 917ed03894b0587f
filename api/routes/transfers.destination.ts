/**
 * Where a new transfer goes: one of the customer's own accounts by id, or anyone's account by its
 * human-readable number. Both resolve to a customer ledger account id before the workflow starts,
 * so a wrong number, a non-customer (settlement, clearing) account or a currency mismatch is a 4xx
 * up front instead of a failed workflow.
 *
 * Nothing about the destination's owner is returned: only the account id the transfer will use.
 * Unknown numbers, unknown ids and the bank's internal accounts all answer the same 404.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts } from '../../db/schema/ledger';
import { DomainError } from '../../domain/errors';
import { isOpaqueId } from '../../domain/ids';

export interface DestinationInput {
  toAccountId?: string;
  toAccountNumber?: string;
  currency: string;
}

/** Digits only: people paste numbers as "1234 5678 90" or "1234-5678-90". */
export function normalizeAccountNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export async function resolveDestination(db: Db, input: DestinationInput): Promise<string> {
  const byNumber = input.toAccountNumber !== undefined;
  if (byNumber === (input.toAccountId !== undefined)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'Give exactly one destination: toAccountId or toAccountNumber',
      { fields: ['toAccountId', 'toAccountNumber'] },
    );
  }
  const number = byNumber ? normalizeAccountNumber(input.toAccountNumber ?? '') : undefined;
  const notFound = new DomainError(
    'ACCOUNT_NOT_FOUND',
    byNumber ? 'No account has this number' : 'No such account',
    byNumber ? { field: 'toAccountNumber' } : { field: 'toAccountId' },
  );
  if (number !== undefined && !/^\d{6,20}$/.test(number)) throw notFound;
  if (!byNumber && !isOpaqueId(input.toAccountId ?? '', 'account')) throw notFound;
  const [acc] = await db
    .select({ id: accounts.id, kind: accounts.kind, currency: accounts.currency })
    .from(accounts)
    .where(
      number !== undefined ? eq(accounts.number, number) : eq(accounts.id, input.toAccountId ?? ''),
    )
    .limit(1);
  if (!acc || acc.kind !== 'customer') throw notFound;
  if (acc.currency !== input.currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `The destination account does not hold ${input.currency}`,
      { field: byNumber ? 'toAccountNumber' : 'toAccountId' },
    );
  }
  return acc.id;
}
