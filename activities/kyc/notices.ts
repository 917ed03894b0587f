/**
 * Onboarding and schedule notices, written as in-app notifications (the `notifications` table of
 * the notify domain; its consumer fans them out to email/SMS). Idempotent: the id is derived from
 * the workflow and step, and a replay inserts nothing. Support-facing notices use the recipient
 * `SUPPORT_RECIPIENT` so the support console can list them.
 */
import type { Db } from '../../db/client';
import { notifications } from '../../db/schema/notifications';

export const SUPPORT_RECIPIENT = 'role:support';

export interface NoticeInput {
  id: string;
  customerId: string;
  category: 'kyc' | 'account' | 'scheduled_payments';
  template: string;
  data?: Record<string, unknown>;
}

const TITLES: Record<string, [string, string]> = {
  'kyc.approved': [
    'Identity verified',
    'Your identity check is complete. You can now open accounts.',
  ],
  'kyc.rejected': [
    'Identity check not passed',
    'We could not verify your identity. You may submit again.',
  ],
  'kyc.review_escalated': [
    'KYC review overdue',
    'A KYC application has been waiting for review too long.',
  ],
  'account.welcome': ['Welcome to Harbor Bank', 'Your new account is open and ready to use.'],
  'account.opening_failed': [
    'Account opening failed',
    'We could not open your account. No money was moved.',
  ],
  'scheduled_payment.skipped': [
    'Scheduled payment skipped',
    'A scheduled payment could not be made after several attempts.',
  ],
  'scheduled_payment.paused': [
    'Scheduled payment paused',
    'A scheduled payment was paused because its account cannot pay.',
  ],
};

export async function insertNotice(db: Db, notice: NoticeInput): Promise<{ created: boolean }> {
  const [title, body] = TITLES[notice.template] ?? [notice.template, notice.template];
  const rows = await db
    .insert(notifications)
    .values({
      id: notice.id,
      customerId: notice.customerId,
      category: notice.category,
      template: notice.template,
      title,
      body,
      data: notice.data ?? {},
    })
    .onConflictDoNothing({ target: notifications.id })
    .returning({ id: notifications.id });
  return { created: rows.length > 0 };
}
