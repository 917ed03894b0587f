/**
 * Account opening and lifecycle activities, over the ledger service. Idempotent: the ledger
 * account id, the deposit id and its reversal id are fixed by the workflow, a retry that finds the
 * account already created returns its number, and notices have deterministic ids.
 */
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bankAccounts } from '../../db/schema/accounts';
import { kycApplications } from '../../db/schema/kyc';
import {
  accounts,
  ledgerTransfers,
  type AccountStatus,
  type AccountType,
} from '../../db/schema/ledger';
import { DomainError, isDomainError } from '../../domain/errors';
import { accountLedgerIds, systemAccountIds } from '../../domain/ids';
import { minorToString, toPositiveMinor, type MinorString } from '../../domain/money';
import { metrics } from '../../platform/metrics';
import { recordAudit } from '../audit/audit';
import { insertNotice } from '../kyc/notices';
import { createLedgerService } from '../ledger/ledger.service';
import { withDomainFailures } from '../shared/failures';
import { generateAccountNumber } from './account-number';

export interface AccountActivityDeps {
  db: Db;
}

export interface OpenedAccount {
  accountId: string;
  number: string;
  created: boolean;
}

export interface AccountView {
  accountId: string;
  customerId: string | null;
  number: string | null;
  type: AccountType | null;
  currency: string;
  status: AccountStatus;
}

export function createAccountActivities(deps: AccountActivityDeps) {
  const { db } = deps;
  const ledger = createLedgerService(db);

  async function depositExists(accountId: string): Promise<boolean> {
    const [row] = await db
      .select({ id: ledgerTransfers.id })
      .from(ledgerTransfers)
      .where(eq(ledgerTransfers.id, accountLedgerIds.initialDeposit(accountId)));
    return row !== undefined;
  }

  return withDomainFailures({
    /** KYC gate: the latest attempt must be APPROVED. */
    async accountsRequireKyc(input: { customerId: string }): Promise<{ status: string }> {
      const [row] = await db
        .select({ status: kycApplications.status })
        .from(kycApplications)
        .where(eq(kycApplications.customerId, input.customerId))
        .orderBy(desc(kycApplications.attempt))
        .limit(1);
      const status = row?.status ?? 'NOT_STARTED';
      if (status !== 'APPROVED') {
        throw new DomainError('KYC_REQUIRED', 'Approved KYC is required to open an account', {
          kycStatus: status,
        });
      }
      return { status };
    },

    /** Creates the ledger account with a fresh unique number (retrying collisions), once. */
    async accountsCreateLedgerAccount(input: {
      accountId: string;
      customerId: string;
      type: AccountType;
      currency: string;
      workflowId: string;
    }): Promise<OpenedAccount> {
      const [existing] = await db.select().from(accounts).where(eq(accounts.id, input.accountId));
      let number = existing?.number ?? null;
      let created = false;
      for (let attempt = 0; !number && attempt < 20; attempt++) {
        const candidate = generateAccountNumber();
        try {
          await ledger.createAccount({
            id: input.accountId,
            customerId: input.customerId,
            currency: input.currency,
            kind: 'customer',
            type: input.type,
            number: candidate,
          });
          number = candidate;
          created = true;
        } catch (err) {
          if (isDomainError(err) && err.code === 'ACCOUNT_NUMBER_TAKEN') continue;
          throw err;
        }
      }
      if (!number) throw new Error('could not allocate a unique account number');
      await db
        .insert(bankAccounts)
        .values({
          id: input.accountId,
          number,
          customerId: input.customerId,
          type: input.type,
          currency: input.currency,
          workflowId: input.workflowId,
        })
        .onConflictDoNothing({ target: bankAccounts.id });
      return { accountId: input.accountId, number, created };
    },

    /** The initial deposit from the settlement account; same id on retry, so it moves money once. */
    async accountsFundInitialDeposit(input: {
      accountId: string;
      amount: MinorString;
      currency: string;
    }): Promise<{ ledgerTransferId: string; replayed: boolean }> {
      const result = await ledger.deposit({
        id: accountLedgerIds.initialDeposit(input.accountId),
        accountId: input.accountId,
        amount: toPositiveMinor(input.amount),
        currency: input.currency,
        reference: 'initial deposit',
      });
      return { ledgerTransferId: result.transfer.id, replayed: result.replayed };
    },

    /** Compensation: returns the initial deposit to settlement, if it happened. Idempotent. */
    async accountsReverseInitialDeposit(input: {
      accountId: string;
      currency: string;
    }): Promise<{ reversed: boolean }> {
      if (!(await depositExists(input.accountId))) {
        metrics.compensationRun('reverse_initial_deposit', 'noop');
        return { reversed: false };
      }
      const deposit = await ledger.getTransfer(accountLedgerIds.initialDeposit(input.accountId));
      // A frozen account cannot pay out; compensation must still be able to return the money.
      const account = await ledger.getAccount(input.accountId);
      if (account.status === 'FROZEN') await ledger.setAccountStatus(input.accountId, 'ACTIVE');
      const reversal = await ledger.createTransfer({
        id: accountLedgerIds.initialDepositReversal(input.accountId),
        kind: 'single',
        debitAccountId: input.accountId,
        creditAccountId: systemAccountIds.settlement(input.currency),
        amount: deposit.amount,
        currency: input.currency,
        reference: 'initial deposit reversal',
      });
      // Counted once: a retried activity replays the same reversal.
      if (!reversal.replayed) metrics.compensationRun('reverse_initial_deposit', 'ok');
      return { reversed: true };
    },

    /** Compensation: closes the account that could not be opened and marks the opening FAILED. */
    async accountsAbandonOpening(input: { accountId: string; reason: string }): Promise<void> {
      const [existing] = await db.select().from(accounts).where(eq(accounts.id, input.accountId));
      if (existing && existing.status !== 'CLOSED')
        await ledger.setAccountStatus(input.accountId, 'CLOSED');
      await db
        .update(bankAccounts)
        .set({
          openingStatus: 'FAILED',
          failureReason: input.reason.slice(0, 500),
          updatedAt: new Date(),
        })
        .where(eq(bankAccounts.id, input.accountId));
      const closed = existing !== undefined && existing.status !== 'CLOSED';
      metrics.compensationRun('close_account', closed ? 'ok' : 'noop');
    },

    async accountsMarkOpen(input: { accountId: string }): Promise<void> {
      await db
        .update(bankAccounts)
        .set({ openingStatus: 'OPEN', updatedAt: new Date() })
        .where(eq(bankAccounts.id, input.accountId));
    },

    async accountsSendWelcome(input: {
      noticeId: string;
      customerId: string;
      accountId: string;
      number: string;
      type: string;
    }): Promise<void> {
      await insertNotice(db, {
        id: input.noticeId,
        customerId: input.customerId,
        category: 'account',
        template: 'account.welcome',
        data: { accountId: input.accountId, numberLast4: input.number.slice(-4), type: input.type },
      });
    },

    async accountsGet(input: { accountId: string }): Promise<AccountView> {
      const a = await ledger.getAccount(input.accountId);
      return {
        accountId: a.id,
        customerId: a.customerId,
        number: a.number,
        type: a.type,
        currency: a.currency,
        status: a.status,
      };
    },

    /**
     * Freeze, unfreeze or close, with its audit row. Returns the previous and new status;
     * `changed` is false when the account already had that status (a retry or a repeat).
     * Close refuses a balance or open holds (ACCOUNT_NOT_EMPTY); a closed account stays closed.
     */
    async accountsSetStatus(input: {
      accountId: string;
      status: AccountStatus;
      actor: string;
      actorRoles?: string[];
      reason: string;
      auditKey: string;
    }): Promise<{ from: AccountStatus; to: AccountStatus; changed: boolean }> {
      const before = await ledger.getAccount(input.accountId);
      const after = await ledger.setAccountStatus(input.accountId, input.status);
      const changed = before.status !== after.status;
      if (input.status === 'CLOSED') {
        await db
          .update(bankAccounts)
          .set({ openingStatus: 'CLOSED', updatedAt: new Date() })
          .where(eq(bankAccounts.id, input.accountId));
      }
      {
        // One audit row per request (also for a no-op repeat): the key makes a retry write nothing new.
        const action =
          input.status === 'FROZEN'
            ? 'account.freeze'
            : input.status === 'ACTIVE'
              ? 'account.unfreeze'
              : 'account.close';
        const [dup] = (
          await db.execute(
            sql`select 1 from audit_log where target = ${input.accountId} and details->>'auditKey' = ${input.auditKey} limit 1`,
          )
        ).rows;
        if (!dup) {
          await recordAudit(db, {
            actor: input.actor,
            actorRoles: input.actorRoles ?? [],
            action,
            target: input.accountId,
            reason: input.reason,
            details: { from: before.status, to: after.status, auditKey: input.auditKey },
          });
        }
      }
      return { from: before.status, to: after.status, changed };
    },

    async accountsGetBalance(input: {
      accountId: string;
    }): Promise<{ posted: MinorString; available: MinorString }> {
      const b = await ledger.getBalances(input.accountId);
      return { posted: minorToString(b.posted), available: minorToString(b.available) };
    },
  });
}

export type AccountActivities = ReturnType<typeof createAccountActivities>;
