/**
 * Notification templates: one per thing a customer hears about, each in a category. Customers
 * choose channels per category; `security` notices ignore opt-outs for email and in-app.
 */
import { formatMajor, isCurrency } from '../../domain/money';

export const CATEGORIES = [
  'transfers',
  'security',
  'account',
  'kyc',
  'scheduled_payments',
] as const;
export type Category = (typeof CATEGORIES)[number];
export const CHANNELS = ['email', 'sms', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Categories whose notices cannot be turned off (email and in-app always go out). */
export const MANDATORY_CATEGORIES: readonly Category[] = ['security'];

/** Channel defaults when the customer has not chosen. */
export const DEFAULT_CHANNELS: Record<Category, Record<Channel, boolean>> = {
  transfers: { email: true, sms: false, in_app: true },
  security: { email: true, sms: true, in_app: true },
  account: { email: true, sms: false, in_app: true },
  kyc: { email: true, sms: false, in_app: true },
  scheduled_payments: { email: true, sms: false, in_app: true },
};

export const TEMPLATES = {
  transfer_sent: 'transfers',
  transfer_received: 'transfers',
  transfer_failed: 'transfers',
  transfer_cancelled: 'transfers',
  transfer_rejected: 'transfers',
  transfer_reversed: 'transfers',
  transfer_reversal_debited: 'security',
  transfer_under_review: 'security',
  fraud_review: 'security',
  fraud_blocked: 'security',
  kyc_approved: 'kyc',
  kyc_rejected: 'kyc',
  account_opened: 'account',
  account_frozen: 'security',
  scheduled_payment_skipped: 'scheduled_payments',
  new_device_login: 'security',
} as const satisfies Record<string, Category>;
export type TemplateName = keyof typeof TEMPLATES;

export function categoryOf(template: TemplateName): Category {
  return TEMPLATES[template];
}

export interface Rendered {
  title: string;
  body: string;
  emailSubject: string;
  emailText: string;
  emailHtml: string;
  sms: string;
}

export type TemplateVars = Record<string, string | undefined>;

function money(vars: TemplateVars): string {
  const { amount, currency } = vars;
  if (!amount || !currency) return 'a payment';
  try {
    return isCurrency(currency)
      ? `${formatMajor(BigInt(amount), currency)} ${currency}`
      : `${amount} ${currency}`;
  } catch {
    return `${amount} ${currency}`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function text(template: TemplateName, v: TemplateVars): { title: string; body: string } {
  const amt = money(v);
  const ref = v.transferId ? ` (ref ${v.transferId})` : '';
  switch (template) {
    case 'transfer_sent':
      return {
        title: 'Transfer completed',
        body: `You sent ${amt} from account ${v.fromAccountId}${ref}.`,
      };
    case 'transfer_received':
      return {
        title: 'Money received',
        body: `You received ${amt} into account ${v.toAccountId}${ref}.`,
      };
    case 'transfer_failed':
      return {
        title: 'Transfer failed',
        body: `Your transfer of ${amt} failed${v.reason ? `: ${v.reason}` : ''}${ref}. No money left your account.`,
      };
    case 'transfer_cancelled':
      return {
        title: 'Transfer cancelled',
        body: `Your transfer of ${amt} was cancelled${ref}. The held funds were released.`,
      };
    case 'transfer_rejected':
      return {
        title: 'Transfer rejected',
        body: `Your transfer of ${amt} was rejected${v.reason ? ` (${v.reason})` : ''}${ref}. The held funds were released.`,
      };
    case 'transfer_reversed':
      return {
        title: 'Transfer reversed',
        body: `Your transfer of ${amt} was reversed by the bank${ref}. The money is back in account ${v.fromAccountId}.`,
      };
    case 'transfer_reversal_debited':
      return {
        title: 'Incoming transfer reversed',
        body: `A transfer of ${amt} into account ${v.toAccountId} was reversed by the bank and taken back${ref}. Contact support with any question.`,
      };
    case 'transfer_under_review':
      return {
        title: 'Transfer under review',
        body: `Your transfer of ${amt} is being reviewed by our team${ref}. We will let you know the outcome.`,
      };
    case 'fraud_review':
      return {
        title: 'Security review of a transfer',
        body: `For your protection, your transfer of ${amt} is on hold for a security review${ref}. If you did not make it, contact us now.`,
      };
    case 'fraud_blocked':
      return {
        title: 'Transfer blocked',
        body: `For your protection, we blocked a transfer of ${amt}${ref}. If this was you, contact support.`,
      };
    case 'kyc_approved':
      return {
        title: 'Identity verified',
        body: 'Your identity is verified. You can now open accounts.',
      };
    case 'kyc_rejected':
      return {
        title: 'Identity verification unsuccessful',
        body: `We could not verify your identity${v.reason ? `: ${v.reason}` : ''}. You can resubmit your documents.`,
      };
    case 'account_opened':
      return {
        title: 'Account opened',
        body: `Your ${v.currency ?? ''} account ${v.accountId} is open.`.replace('  ', ' '),
      };
    case 'account_frozen':
      return {
        title: 'Account frozen',
        body: `Your account ${v.accountId} was frozen${v.reason ? `: ${v.reason}` : ''}. Contact support for help.`,
      };
    case 'scheduled_payment_skipped':
      return {
        title: 'Scheduled payment skipped',
        body: `A scheduled payment${v.dueDate ? ` due ${v.dueDate}` : ''} was skipped${v.reason ? `: ${v.reason}` : ''}.`,
      };
    case 'new_device_login':
      return {
        title: 'New sign-in',
        body: `Your account was signed in to from a new device${v.device ? ` (${v.device})` : ''}. If this was not you, change your password.`,
      };
  }
}

export function render(template: TemplateName, vars: TemplateVars): Rendered {
  const { title, body } = text(template, vars);
  return {
    title,
    body,
    emailSubject: `Harbor Bank: ${title}`,
    emailText: `${title}\n\n${body}\n\nHarbor Bank`,
    emailHtml: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><p>Harbor Bank</p>`,
    sms: `Harbor Bank: ${body}`.slice(0, 320),
  };
}
