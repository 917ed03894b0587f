import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Input, Select } from '@/components/ui/Input';
import { MoneyInput } from '@/components/ui/MoneyInput';
import { plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import { checkPositiveAmount, isCurrency, minorToJson, type Currency } from '@/lib/money';
import {
  createScheduleBody,
  useCreateSchedule,
  type CreateScheduleBody,
  type Frequency,
} from '../api/schedules';
import { payerLabel, type PayerAccount } from './types';

interface Values {
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  memo: string;
  frequency: Frequency;
  startDate: string;
  dayOfMonth: string;
  cron: string;
  endDate: string;
  maxCount: string;
}
type Errors = Partial<Record<keyof Values, string>>;

function tomorrow(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Form values → API body (dates become ISO instants at 09:00 UTC). Exported for tests. */
export function buildScheduleBody(
  v: Values,
  accounts: PayerAccount[],
): { body?: CreateScheduleBody; errors: Errors } {
  const from = accounts.find((a) => a.id === v.fromAccountId);
  const currency: Currency = from && isCurrency(from.currency) ? from.currency : 'USD';
  const amount = checkPositiveAmount(v.amount, currency);
  const errors: Errors = {};
  if (!amount.ok) errors.amount = amount.reason;
  const to = accounts.find((a) => a.number === v.toAccountId.trim())?.id ?? v.toAccountId.trim();
  const candidate = {
    fromAccountId: v.fromAccountId,
    toAccountId: to,
    amount: amount.ok ? minorToJson(amount.minor) : 1,
    currency,
    ...(v.memo.trim() ? { memo: v.memo.trim() } : {}),
    schedule: {
      frequency: v.frequency,
      startAt: v.startDate ? `${v.startDate}T09:00:00.000Z` : '',
      ...(v.frequency === 'MONTHLY' && v.dayOfMonth ? { dayOfMonth: Number(v.dayOfMonth) } : {}),
      ...(v.frequency === 'CRON' ? { cron: v.cron.trim() } : {}),
      ...(v.endDate && v.frequency !== 'ONCE' ? { endAt: `${v.endDate}T23:59:59.000Z` } : {}),
      ...(v.maxCount && v.frequency !== 'ONCE' ? { maxCount: Number(v.maxCount) } : {}),
    },
  };
  const parsed = createScheduleBody.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const p = issue.path.join('.');
      const field: keyof Values =
        p === 'schedule.startAt'
          ? 'startDate'
          : p === 'schedule.endAt'
            ? 'endDate'
            : p === 'schedule.dayOfMonth'
              ? 'dayOfMonth'
              : p === 'schedule.cron'
                ? 'cron'
                : p === 'schedule.maxCount'
                  ? 'maxCount'
                  : (issue.path[0] as keyof Values);
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { body: parsed.data, errors };
}

export function ScheduleForm({
  accounts,
  onCreated,
}: {
  accounts: PayerAccount[];
  onCreated: (id: string) => void;
}) {
  const active = accounts.filter((a) => a.status === 'ACTIVE');
  const start = tomorrow();
  const [v, setV] = useState<Values>({
    fromAccountId: active[0]?.id ?? '',
    toAccountId: '',
    amount: '',
    memo: '',
    frequency: 'MONTHLY',
    startDate: start,
    dayOfMonth: String(Number(start.slice(8, 10))),
    cron: '',
    endDate: '',
    maxCount: '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const key = useRef<{ key: string; fp: string } | null>(null);
  const mutation = useCreateSchedule();
  const from = accounts.find((a) => a.id === v.fromAccountId);
  const currency: Currency = from && isCurrency(from.currency) ? from.currency : 'USD';
  const set = (k: keyof Values) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const value = e.target.value;
    setV((p) => ({ ...p, [k]: value }));
    setErrors((x) => ({ ...x, [k]: undefined }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    const { body, errors: errs } = buildScheduleBody(v, accounts);
    setErrors(errs);
    if (!body) return;
    const fp = JSON.stringify(body);
    if (key.current?.fp !== fp) key.current = { key: newIdempotencyKey(), fp };
    mutation.mutate({ body, key: key.current.key }, { onSuccess: (r) => onCreated(r.id) });
  };

  return (
    <Card>
      <form className="form" onSubmit={submit} noValidate aria-label="New scheduled payment">
        <div className="form-row">
          <Select
            label="Pay from"
            value={v.fromAccountId}
            onChange={set('fromAccountId')}
            error={errors.fromAccountId}
          >
            {active.map((a) => (
              <option key={a.id} value={a.id}>
                {payerLabel(a.id, accounts)}
              </option>
            ))}
          </Select>
          <Input
            label="Pay to (account number)"
            value={v.toAccountId}
            onChange={set('toAccountId')}
            error={errors.toAccountId}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="form-row">
          <MoneyInput
            label="Amount"
            currency={currency}
            value={v.amount}
            onChange={(text) => {
              setV((p) => ({ ...p, amount: text }));
              setErrors((x) => ({ ...x, amount: undefined }));
            }}
            error={errors.amount}
          />
          <Input label="Note" optional value={v.memo} onChange={set('memo')} maxLength={140} />
        </div>
        <div className="form-row">
          <Select label="How often" value={v.frequency} onChange={set('frequency')}>
            <option value="ONCE">Once</option>
            <option value="WEEKLY">Every week</option>
            <option value="MONTHLY">Every month</option>
            <option value="CRON">Custom (cron)</option>
          </Select>
          <Input
            label={v.frequency === 'ONCE' ? 'Payment date' : 'First payment'}
            type="date"
            min={start}
            value={v.startDate}
            onChange={set('startDate')}
            error={errors.startDate}
          />
        </div>
        {v.frequency === 'MONTHLY' && (
          <Input
            label="Day of the month"
            type="number"
            min={1}
            max={31}
            hint="For 29–31, shorter months pay on their last day."
            value={v.dayOfMonth}
            onChange={set('dayOfMonth')}
            error={errors.dayOfMonth}
          />
        )}
        {v.frequency === 'CRON' && (
          <Input
            label="Cron expression"
            hint='For example "0 9 * * 1" is every Monday at 09:00 UTC.'
            value={v.cron}
            onChange={set('cron')}
            error={errors.cron}
            className="mono"
          />
        )}
        {v.frequency !== 'ONCE' && (
          <div className="form-row">
            <Input
              label="End date"
              optional
              type="date"
              value={v.endDate}
              onChange={set('endDate')}
              error={errors.endDate}
            />
            <Input
              label="Number of payments"
              optional
              type="number"
              min={1}
              value={v.maxCount}
              onChange={set('maxCount')}
              error={errors.maxCount}
            />
          </div>
        )}
        {mutation.isError && (
          <p className="form-error" role="alert">
            {plainMessage(mutation.error)}
          </p>
        )}
        <div className="form-actions">
          <Button type="submit" loading={mutation.isPending}>
            Create scheduled payment
          </Button>
        </div>
      </form>
    </Card>
  );
}
