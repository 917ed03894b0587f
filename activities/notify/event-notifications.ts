/**
 * Which notices an event (or a transfer outcome) produces, for whom, with which template.
 * Ids derive from the business source (transfer id + outcome, or event id) and the recipient, so
 * the thin `notifyTransferParties` activity and the notifications consumer produce the *same*
 * notification ids for the same transfer outcome, and a customer is told once.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { NotifyTransferPartiesInput, TransferNotificationKind } from '../../domain/transfer';
import type { ReceivedEvent } from '../events/cloudevents';
import { notificationId, type NotificationRequest } from './notification.service';
import type { TemplateName } from './templates';

const TRANSFER_TEMPLATES: Record<TransferNotificationKind, TemplateName> = {
  completed: 'transfer_sent',
  failed: 'transfer_failed',
  cancelled: 'transfer_cancelled',
  rejected: 'transfer_rejected',
  awaiting_review: 'transfer_under_review',
  reversed: 'transfer_reversed',
};

/** The payee's own notice, for outcomes that touch the payee's account. */
const PAYEE_TEMPLATES: Partial<Record<TransferNotificationKind, TemplateName>> = {
  completed: 'transfer_received',
  reversed: 'transfer_reversal_debited',
};

export function transferNotifications(
  input: NotifyTransferPartiesInput,
  sourceEventId?: string,
): NotificationRequest[] {
  const source = `transfer:${input.transferId}:${input.kind}`;
  const vars = {
    transferId: input.transferId,
    amount: input.amount,
    currency: input.currency,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    reason: input.failureCode,
  };
  const template = TRANSFER_TEMPLATES[input.kind];
  const out: NotificationRequest[] = [
    {
      id: notificationId(source, template, input.fromCustomerId),
      customerId: input.fromCustomerId,
      template,
      vars,
      sourceEventId,
    },
  ];
  const payeeTemplate = PAYEE_TEMPLATES[input.kind];
  if (payeeTemplate && input.toCustomerId && input.toCustomerId !== input.fromCustomerId) {
    out.push({
      id: notificationId(source, payeeTemplate, input.toCustomerId),
      customerId: input.toCustomerId,
      template: payeeTemplate,
      vars,
      sourceEventId,
    });
  }
  return out;
}

/** The owner of an account: the ledger's accounts table, else the account_profiles read model. */
export async function accountOwner(db: Db, accountId: string): Promise<string | undefined> {
  try {
    const res = await db.execute(
      sql`select customer_id from accounts where id = ${accountId} limit 1`,
    );
    const owner = res.rows[0]?.customer_id;
    if (typeof owner === 'string') return owner;
  } catch {
    // the ledger table may not exist in this deployment
  }
  const res = await db.execute(
    sql`select customer_id from account_profiles where account_id = ${accountId} limit 1`,
  );
  const owner = res.rows[0]?.customer_id;
  return typeof owner === 'string' ? owner : undefined;
}

type Data = Record<string, string | undefined> & Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function notificationsForEvent(
  db: Db,
  received: ReceivedEvent,
): Promise<NotificationRequest[]> {
  const { event, type } = received;
  const d = event.data as Data;
  const one = (
    template: TemplateName,
    customerId: string | undefined,
    vars: Record<string, string | undefined>,
  ) =>
    customerId
      ? [
          {
            id: notificationId(`event:${event.id}`, template, customerId),
            customerId,
            template,
            vars,
            sourceEventId: event.id,
          },
        ]
      : [];

  switch (type) {
    case 'transfer.completed':
    case 'transfer.failed':
    case 'transfer.cancelled':
    case 'transfer.rejected':
    case 'transfer.reversed': {
      const kind = type.slice('transfer.'.length) as TransferNotificationKind;
      const toCustomerId =
        kind in PAYEE_TEMPLATES
          ? (str(d.toCustomerId) ?? (await accountOwner(db, String(d.toAccountId))))
          : undefined;
      return transferNotifications(
        {
          transferId: String(d.transferId),
          kind,
          fromCustomerId: String(d.customerId),
          toCustomerId,
          fromAccountId: String(d.fromAccountId),
          toAccountId: String(d.toAccountId),
          amount: String(d.amount),
          currency: String(d.currency),
          failureCode: str(d.failureCode) ?? str(d.reason),
        },
        event.id,
      );
    }
    case 'fraud.alert': {
      const template: TemplateName = d.decision === 'BLOCK' ? 'fraud_blocked' : 'fraud_review';
      return one(template, str(d.customerId), {
        transferId: str(d.transferId),
        amount: str(d.amount),
        currency: str(d.currency),
      });
    }
    case 'kyc.approved':
      return one('kyc_approved', str(d.customerId), {});
    case 'kyc.rejected':
      return one('kyc_rejected', str(d.customerId), {
        reason: Array.isArray(d.reasons) ? (d.reasons as string[]).join(', ') : undefined,
      });
    case 'account.opened':
      return one('account_opened', str(d.customerId), {
        accountId: str(d.accountId),
        currency: str(d.currency),
      });
    case 'account.frozen':
      return one('account_frozen', str(d.customerId), {
        accountId: str(d.accountId),
        reason: str(d.reason),
      });
    case 'scheduled_payment.occurrence_skipped':
      return one('scheduled_payment_skipped', str(d.customerId), {
        scheduleId: str(d.scheduleId),
        dueDate: str(d.dueDate),
        reason: str(d.reason),
        amount: str(d.amount),
        currency: str(d.currency),
      });
    default:
      return [];
  }
}
