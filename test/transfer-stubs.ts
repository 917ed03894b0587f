/**
 * In-memory stand-ins for the activities the TransferWorkflow calls, for branch-coverage tests.
 * They behave like the real ones where the workflow can tell (typed business failures, idempotent
 * ids) and record every call, so a test can assert what the saga did to the "ledger".
 */
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { DomainEventInput } from '../domain/events';
import type {
  FraudAssessment,
  NotifyTransferPartiesInput,
  ScoreTransferInput,
} from '../domain/transfer';
import type { TransferAccountView, LedgerHoldInput } from '../workflows/transfer.workflow';
import type { TransferSnapshot } from '../workflows/transfer.messages';

export interface StubHold {
  amount: bigint;
  state: 'PENDING' | 'POSTED' | 'VOIDED';
  from: string;
  to: string;
}

export function uid(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export function createStubWorld() {
  const accounts = new Map<string, TransferAccountView & { available: bigint }>();
  const holds = new Map<string, StubHold>();
  const calls: { name: string; arg: unknown }[] = [];
  const events: DomainEventInput[] = [];
  const synced = new Map<string, TransferSnapshot>();
  /** Activities that fail with an infrastructure error while their name is in this set. */
  const failing = new Set<string>();
  let fraud: (input: ScoreTransferInput) => FraudAssessment = () => ({
    score: 5,
    decision: 'ALLOW',
    reasons: [],
  });

  const business = (type: string, message: string) =>
    ApplicationFailure.create({ type, message, nonRetryable: true });
  const maybeFail = (name: string, arg: unknown) => {
    calls.push({ name, arg });
    if (failing.has(name)) throw new Error(`${name}: connection refused (injected)`);
  };

  const activities = {
    async getAccountForTransfer(accountId: string): Promise<TransferAccountView> {
      maybeFail('getAccountForTransfer', accountId);
      const a = accounts.get(accountId);
      if (!a) throw business('ACCOUNT_NOT_FOUND', 'Account not found');
      return { id: a.id, customerId: a.customerId, currency: a.currency, status: a.status };
    },
    async holdFunds(input: LedgerHoldInput): Promise<unknown> {
      maybeFail('holdFunds', input);
      if (holds.has(input.id)) return { replay: true };
      const from = accounts.get(input.debitAccountId)!;
      const amount = BigInt(input.amount);
      if (from.available < amount) throw business('INSUFFICIENT_FUNDS', 'Insufficient funds');
      from.available -= amount;
      holds.set(input.id, {
        amount,
        state: 'PENDING',
        from: input.debitAccountId,
        to: input.creditAccountId,
      });
      return { replay: false };
    },
    async postHold(input: { id: string; pendingId: string }): Promise<unknown> {
      maybeFail('postHold', input);
      const h = holds.get(input.pendingId);
      if (!h) throw business('PENDING_TRANSFER_NOT_FOUND', 'No such hold');
      if (h.state === 'POSTED') return { replay: true };
      if (h.state !== 'PENDING')
        throw business('PENDING_TRANSFER_ALREADY_RESOLVED', 'Hold already resolved');
      h.state = 'POSTED';
      accounts.get(h.to)!.available += h.amount;
      return { replay: false };
    },
    async voidHold(input: { id: string; pendingId: string }): Promise<unknown> {
      maybeFail('voidHold', input);
      const h = holds.get(input.pendingId);
      if (!h) throw business('PENDING_TRANSFER_NOT_FOUND', 'No such hold');
      if (h.state === 'VOIDED') return { replay: true };
      if (h.state !== 'PENDING')
        throw business('PENDING_TRANSFER_ALREADY_RESOLVED', 'Hold already resolved');
      h.state = 'VOIDED';
      accounts.get(h.from)!.available += h.amount;
      return { replay: false };
    },
    async scoreTransfer(input: ScoreTransferInput): Promise<FraudAssessment> {
      maybeFail('scoreTransfer', input);
      return fraud(input);
    },
    async syncTransfer(snapshot: TransferSnapshot): Promise<{ applied: boolean }> {
      maybeFail('syncTransfer', snapshot.version);
      const prev = synced.get(snapshot.transferId);
      if (prev && prev.version >= snapshot.version) return { applied: false };
      synced.set(snapshot.transferId, snapshot);
      return { applied: true };
    },
    async publishEvents(batch: DomainEventInput[]): Promise<unknown> {
      maybeFail('publishEvents', batch.length);
      for (const e of batch) if (!events.some((x) => x.id === e.id)) events.push(e);
      return { published: batch.length };
    },
    async notifyTransferParties(input: NotifyTransferPartiesInput): Promise<unknown> {
      maybeFail('notifyTransferParties', input);
      return { ok: true };
    },
  };

  return {
    activities,
    accounts,
    holds,
    calls,
    events,
    synced,
    failing,
    setFraud(fn: typeof fraud) {
      fraud = fn;
    },
    addAccount(
      customerId: string | null,
      available: bigint,
      extra: Partial<TransferAccountView> = {},
    ) {
      const id = uid('acc');
      accounts.set(id, { id, customerId, currency: 'USD', status: 'ACTIVE', available, ...extra });
      return id;
    },
  };
}
