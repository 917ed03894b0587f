/**
 * Deterministic local answers, used when there is no API key, or the model errors or times out.
 * Built from the same context the model would get, and always labelled as such.
 */
import { formatMajor, isCurrency } from '../../domain/money';
import type { FraudReason } from '../../domain/transfer';
import type { AssistantContext } from './context';

export const FALLBACK_LABEL =
  '[Offline answer: the AI assistant is unavailable; this summary was computed directly from your account data.]';
export const FRAUD_FALLBACK_LABEL =
  '[Automatic explanation: generated from the fraud rules without the AI model.]';

function fmt(amount: string, currency: string): string {
  try {
    return isCurrency(currency)
      ? `${formatMajor(BigInt(amount), currency)} ${currency}`
      : `${amount} ${currency}`;
  } catch {
    return `${amount} ${currency}`;
  }
}

const MOVE_MONEY = /\b(send|transfer|pay|move|wire|cancel|approve|withdraw)\b/i;

export function fallbackAnswer(ctx: AssistantContext, message: string): string {
  const lines: string[] = [FALLBACK_LABEL];
  const q = message.toLowerCase();
  if (MOVE_MONEY.test(q) && /\b(please|can you|could you|do|make|now)\b/i.test(q)) {
    lines.push(
      'I cannot move money or change transfers. Please use the Transfers screen in the app.',
    );
  }
  if (ctx.accounts.length === 0) {
    lines.push('You have no open accounts yet.');
    return lines.join('\n');
  }
  lines.push(
    `Balances: ${ctx.accounts.map((a) => `${a.id}: ${fmt(a.available, a.currency)} available (${fmt(a.posted, a.currency)} posted)`).join('; ')}.`,
  );
  const outgoing = ctx.transactions.filter((t) => t.direction === 'out');
  if (/largest|biggest|top/.test(q) && outgoing.length > 0) {
    const top = [...outgoing]
      .sort((a, b) =>
        BigInt(b.amount) > BigInt(a.amount)
          ? 1
          : BigInt(b.amount) < BigInt(a.amount)
            ? -1
            : a.id.localeCompare(b.id),
      )
      .slice(0, 3);
    lines.push(
      `Largest recent payments: ${top.map((t) => `${fmt(t.amount, t.currency)} to ${t.counterpartyAccountId} on ${t.at.slice(0, 10)}`).join('; ')}.`,
    );
  }
  if (/unusual|suspicious|strange|normal/.test(q) && outgoing.length > 0) {
    const [latest, ...rest] = outgoing;
    const max = rest.reduce((m, t) => (BigInt(t.amount) > m ? BigInt(t.amount) : m), 0n);
    const unusual = rest.length > 0 && BigInt(latest!.amount) * 2n > max * 3n;
    lines.push(
      rest.length === 0
        ? 'There is not enough history to compare your latest payment with.'
        : `Your latest payment of ${fmt(latest!.amount, latest!.currency)} is ${unusual ? 'more than 1.5 times' : 'within 1.5 times'} your largest other recent payment (${fmt(max.toString(), latest!.currency)}).`,
    );
  }
  if (ctx.monthly.length > 0) {
    lines.push(
      `Monthly totals: ${ctx.monthly
        .slice(0, 6)
        .map(
          (m) =>
            `${m.month} ${m.accountId}: in ${fmt(m.in, m.currency)}, out ${fmt(m.out, m.currency)}`,
        )
        .join('; ')}.`,
    );
  }
  lines.push(`You have ${ctx.transactions.length} recent transactions on record.`);
  return lines.join('\n');
}

export function fallbackFraudExplanation(c: {
  score: number;
  decision: string;
  reasons: FraudReason[];
  amount: string;
  currency: string;
  historyCount: number;
}): string {
  const reasons = c.reasons.length
    ? c.reasons.map((r) => `${r.rule} (weight ${r.weight}): ${r.value}`).join('; ')
    : 'no rule matched';
  return [
    FRAUD_FALLBACK_LABEL,
    `Decision ${c.decision} with score ${c.score}/100 for ${fmt(c.amount, c.currency)}.`,
    `Matched rules: ${reasons}.`,
    `The source account has ${c.historyCount} earlier scored transfer(s) on record.`,
  ].join('\n');
}
