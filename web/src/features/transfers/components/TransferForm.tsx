import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Input, Select } from '@/components/ui/Input';
import { MoneyInput } from '@/components/ui/MoneyInput';
import { Notice } from '@/components/ui/States';
import { SegmentedControl } from '@/components/ui/Tabs';
import {
  formatAccountNumber,
  isValidAccountNumber,
  normalizeAccountNumber,
} from '@/lib/account-number';
import { isApiError, plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import {
  checkPositiveAmount,
  formatMoney,
  isCurrency,
  minorToJson,
  type Currency,
} from '@/lib/money';
import {
  ACCOUNT_NUMBER_INPUT,
  transferBodySchema,
  useCreateTransfer,
  type Transfer,
  type TransferBody,
} from '../api/transfers';
import { accountLabel, describeAccount, type OwnAccount } from './types';

type Destination = 'own' | 'other';
interface Values {
  fromAccountId: string;
  destination: Destination;
  toOwnAccountId: string;
  toAccount: string;
  amount: string;
  memo: string;
}
type Errors = Partial<Record<keyof Values, string>>;

/** Refusals about the recipient: the customer has to change the details, not resend. */
const DESTINATION_ERRORS = ['ACCOUNT_NOT_FOUND', 'CURRENCY_MISMATCH', 'SAME_ACCOUNT'];

type Target = { toAccountId: string } | { toAccountNumber: string };

/**
 * Where the money goes: one of the customer's accounts (by id), or anyone's account by its
 * number. A number that is one of the customer's own accounts is sent by id, like a pick from
 * "My accounts"; an opaque id (acc_…) typed in is passed through as an id.
 */
function resolveTarget(
  values: Values,
  accounts: OwnAccount[],
): { target?: Target; field: 'toOwnAccountId' | 'toAccount'; error?: string } {
  if (values.destination === 'own') {
    const field = 'toOwnAccountId';
    if (!values.toOwnAccountId) return { field, error: 'Choose the account to send to.' };
    return { field, target: { toAccountId: values.toOwnAccountId } };
  }
  const field = 'toAccount';
  const typed = values.toAccount.trim();
  if (!typed) return { field, error: 'Enter the account number to send to.' };
  if (/^acc_[A-Za-z0-9_-]+$/.test(typed)) return { field, target: { toAccountId: typed } };
  const digits = normalizeAccountNumber(typed);
  if (!ACCOUNT_NUMBER_INPUT.test(typed) || !/^\d{10}$/.test(digits)) {
    return { field, error: 'An account number has 10 digits.' };
  }
  if (!isValidAccountNumber(digits)) {
    return { field, error: 'That account number is not valid. Check each digit.' };
  }
  const own = accounts.find((a) => a.number && normalizeAccountNumber(a.number) === digits);
  return { field, target: own ? { toAccountId: own.id } : { toAccountNumber: digits } };
}

export function validateTransfer(
  values: Values,
  accounts: OwnAccount[],
): { body?: TransferBody; errors: Errors } {
  const errors: Errors = {};
  const from = accounts.find((a) => a.id === values.fromAccountId);
  if (!from) errors.fromAccountId = 'Choose the account to send from.';
  const dest = resolveTarget(values, accounts);
  if (dest.error) errors[dest.field] = dest.error;
  const ownTarget =
    dest.target && 'toAccountId' in dest.target
      ? accounts.find((a) => a.id === (dest.target as { toAccountId: string }).toAccountId)
      : undefined;
  if (from && ownTarget?.id === from.id) {
    errors[dest.field] = 'Choose a different account to send to.';
  } else if (from && ownTarget && ownTarget.currency !== from.currency) {
    errors[dest.field] = 'Both accounts must use the same currency.';
  }
  const currency: Currency = from && isCurrency(from.currency) ? from.currency : 'USD';
  const amount = checkPositiveAmount(values.amount, currency);
  if (!amount.ok) errors.amount = amount.reason;
  if (values.memo.length > 140) errors.memo = 'Keep the note under 140 characters.';
  if (Object.keys(errors).length > 0 || !amount.ok || !from || !dest.target) return { errors };
  const body = transferBodySchema.parse({
    fromAccountId: from.id,
    ...dest.target,
    amount: minorToJson(amount.minor),
    currency,
    ...(values.memo.trim() ? { memo: values.memo.trim() } : {}),
  });
  return { body, errors };
}

/** The review line for the destination: own accounts by label, others by number only. */
export function describeDestination(body: TransferBody, accounts: OwnAccount[]): string {
  if (body.toAccountNumber) return `Account ${formatAccountNumber(body.toAccountNumber)}`;
  return describeAccount(body.toAccountId ?? '', accounts);
}

/**
 * Send money: edit → review → submit. The Idempotency-Key is made once per distinct submission
 * (the same reviewed values keep the same key), so a double click, a retry after a network error
 * or a replayed request can never move money twice.
 */
export function TransferForm({
  accounts,
  onSubmitted,
  initialFrom,
}: {
  accounts: OwnAccount[];
  onSubmitted: (t: Pick<Transfer, 'id'> & Partial<Transfer>) => void;
  initialFrom?: string;
}) {
  const usable = accounts.filter((a) => a.status === 'ACTIVE' || a.status === 'FROZEN');
  const [values, setValues] = useState<Values>({
    fromAccountId: initialFrom ?? usable[0]?.id ?? '',
    destination: 'other',
    toOwnAccountId: '',
    toAccount: '',
    amount: '',
    memo: '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [step, setStep] = useState<'edit' | 'review'>('edit');
  const [body, setBody] = useState<TransferBody | null>(null);
  const keyRef = useRef<{ key: string; fingerprint: string } | null>(null);
  const inFlight = useRef(false);
  const mutation = useCreateTransfer();

  const from = accounts.find((a) => a.id === values.fromAccountId);
  const currency: Currency = from && isCurrency(from.currency) ? from.currency : 'USD';
  const set = <K extends keyof Values>(k: K, v: Values[K]) => {
    setValues((prev) => ({ ...prev, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const toReview = (e: FormEvent) => {
    e.preventDefault();
    const result = validateTransfer(values, accounts);
    setErrors(result.errors);
    if (!result.body) return;
    mutation.reset();
    setBody(result.body);
    setStep('review');
  };

  const submit = () => {
    if (!body || inFlight.current) return; // a second click while the first is in flight does nothing
    const fingerprint = JSON.stringify(body);
    if (keyRef.current?.fingerprint !== fingerprint)
      keyRef.current = { key: newIdempotencyKey(), fingerprint };
    inFlight.current = true;
    mutation.mutate(
      { body, key: keyRef.current.key },
      {
        onSuccess: (t) => {
          keyRef.current = null;
          onSubmitted(t);
        },
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  };

  if (usable.length === 0) {
    return <Notice>You need an open account before you can send money.</Notice>;
  }

  if (step === 'review' && body) {
    const err = mutation.error;
    const code = isApiError(err) ? err.code : null;
    const needsEdit = code !== null && DESTINATION_ERRORS.includes(code);
    return (
      <Card title="Review your transfer" aria-live="polite">
        <div className="stack">
          <div>
            <div className="muted">You are sending</div>
            <div className="review-amount" data-testid="review-amount">
              {formatMoney(body.amount, body.currency)}
            </div>
          </div>
          <dl className="kv">
            <dt>From</dt>
            <dd>{describeAccount(body.fromAccountId, accounts)}</dd>
            <dt>To</dt>
            <dd data-testid="review-destination">
              {describeDestination(body, accounts)}
              {body.toAccountNumber && (
                <div className="muted">
                  Another customer&rsquo;s account. Check the number: we send to exactly this
                  account.
                </div>
              )}
            </dd>
            {body.memo && (
              <>
                <dt>Note</dt>
                <dd>{body.memo}</dd>
              </>
            )}
            <dt>Arrives</dt>
            <dd>Usually within seconds</dd>
          </dl>
          {err && (
            <Notice tone={code === 'AWAITING_REVIEW' ? 'warning' : 'danger'}>
              <strong>
                {code === 'INSUFFICIENT_FUNDS'
                  ? 'Not enough money. '
                  : code === 'ACCOUNT_FROZEN'
                    ? 'Account frozen. '
                    : code && DESTINATION_ERRORS.includes(code)
                      ? 'Check the recipient. '
                      : ''}
              </strong>
              <span data-testid="transfer-error">{plainMessage(err)}</span>
            </Notice>
          )}
          <div className="form-actions">
            <Button
              variant={needsEdit ? 'primary' : 'secondary'}
              onClick={() => setStep('edit')}
              disabled={mutation.isPending}
            >
              Edit
            </Button>
            {/* Resending the same reviewed transfer cannot fix a wrong recipient. */}
            {!needsEdit && (
              <Button onClick={submit} loading={mutation.isPending} disabled={mutation.isPending}>
                {err && !code?.startsWith('INSUFFICIENT')
                  ? 'Try again'
                  : `Send ${formatMoney(body.amount, body.currency)}`}
              </Button>
            )}
          </div>
        </div>
      </Card>
    );
  }

  const otherOwn = accounts.filter((a) => a.id !== values.fromAccountId && a.status === 'ACTIVE');
  return (
    <Card>
      <form className="form" onSubmit={toReview} noValidate aria-label="New transfer">
        <Select
          label="From"
          value={values.fromAccountId}
          onChange={(e) => set('fromAccountId', e.target.value)}
          error={errors.fromAccountId}
        >
          {usable.map((a) => (
            <option key={a.id} value={a.id}>
              {accountLabel(a)} — {formatMoney(a.balances.available, a.currency)} available
            </option>
          ))}
        </Select>
        <div className="field">
          <span className="field-label" id="dest-label">
            To
          </span>
          <SegmentedControl<Destination>
            label="Destination type"
            value={values.destination}
            onChange={(v) => set('destination', v)}
            options={[
              { value: 'other', label: 'Someone else' },
              { value: 'own', label: 'My accounts' },
            ]}
          />
        </div>
        {values.destination === 'own' ? (
          <Select
            label="To my account"
            value={values.toOwnAccountId}
            onChange={(e) => set('toOwnAccountId', e.target.value)}
            error={errors.toOwnAccountId}
          >
            <option value="">Choose an account</option>
            {otherOwn.map((a) => (
              <option key={a.id} value={a.id}>
                {accountLabel(a)} ({a.currency})
              </option>
            ))}
          </Select>
        ) : (
          <Input
            label="Recipient account number"
            hint="The 10-digit account number shown in the recipient's Harbor app."
            value={values.toAccount}
            onChange={(e) => set('toAccount', e.target.value)}
            error={errors.toAccount}
            autoComplete="off"
            inputMode="numeric"
            spellCheck={false}
          />
        )}
        <MoneyInput
          label="Amount"
          currency={currency}
          value={values.amount}
          onChange={(text) => set('amount', text)}
          error={errors.amount}
          hint={
            from ? `${formatMoney(from.balances.available, from.currency)} available` : undefined
          }
        />
        <Input
          label="Note"
          optional
          value={values.memo}
          onChange={(e) => set('memo', e.target.value)}
          error={errors.memo}
          maxLength={140}
        />
        <div className="form-actions">
          <Button type="submit">Review transfer</Button>
        </div>
      </form>
    </Card>
  );
}
