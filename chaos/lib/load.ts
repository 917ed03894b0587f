/**
 * A stream of transfers through the API, as real clients send them: each with its own
 * Idempotency-Key, re-sent with the same key until a final answer (see client.ts). Records what
 * the client asked for (TrackedTransfer) independently of what the system did.
 */
import { randomUUID } from 'node:crypto';
import type { TrackedTransfer } from './checks';
import { transferIdOf, type TransferBody } from './client';
import type { Party } from './context';

export interface StreamResult {
  transfers: TrackedTransfer[];
  /** Final answers by HTTP status (201 held, 202 pending, 422 refused …). */
  answers: Map<number, number>;
  /** Requests that ended without a transfer id (unexpected 4xx, or gave up). */
  failures: string[];
  /** Transient failures the clients retried through, by kind. */
  retries: Map<string, number>;
}

export interface StreamOptions {
  count: number;
  concurrency: number;
  /** Amount range in minor units (inclusive). */
  minAmount: number;
  maxAmount: number;
  onProgress?: (done: number) => void;
}

export function ownerOf(parties: Party[]): Map<string, Party> {
  const m = new Map<string, Party>();
  for (const p of parties) for (const a of p.accounts) m.set(a, p);
  return m;
}

export async function streamTransfers(
  parties: Party[],
  opts: StreamOptions,
): Promise<StreamResult> {
  const owner = ownerOf(parties);
  const accounts = [...owner.keys()];
  const result: StreamResult = {
    transfers: [],
    answers: new Map(),
    failures: [],
    retries: new Map(),
  };
  let next = 0;
  let done = 0;
  const pick = () => accounts[Math.floor(Math.random() * accounts.length)]!;
  async function one(): Promise<void> {
    const from = pick();
    let to = pick();
    while (to === from) to = pick();
    const sender = owner.get(from)!;
    const amount =
      opts.minAmount + Math.floor(Math.random() * (opts.maxAmount - opts.minAmount + 1));
    const key = randomUUID();
    try {
      const res = await sender.api.post<TransferBody>(
        '/transfers',
        { fromAccountId: from, toAccountId: to, amount, currency: 'USD' },
        { idempotencyKey: key, deadlineMs: 600_000 },
      );
      result.answers.set(res.status, (result.answers.get(res.status) ?? 0) + 1);
      const id = transferIdOf(res);
      if (id && (res.status < 300 || res.body.error?.code === 'INSUFFICIENT_FUNDS')) {
        result.transfers.push({
          id,
          fromAccountId: from,
          toAccountId: to,
          fromCustomerId: sender.customerId,
          toCustomerId: owner.get(to)!.customerId,
          amount: BigInt(amount),
        });
      } else {
        result.failures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    } catch (err) {
      result.failures.push(err instanceof Error ? err.message : String(err));
    }
    done += 1;
    opts.onProgress?.(done);
  }
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.count) {
        next += 1;
        await one();
      }
    }),
  );
  for (const p of parties) {
    for (const [k, n] of p.api.retries) result.retries.set(k, (result.retries.get(k) ?? 0) + n);
  }
  return result;
}

export function countsText(m: Map<string | number, number>): string {
  return (
    [...m]
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ') || 'none'
  );
}
