import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Input, Select } from '@/components/ui/Input';
import { MoneyInput } from '@/components/ui/MoneyInput';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import {
  checkPositiveAmount,
  CURRENCY_CODES,
  formatMoney,
  minorToJson,
  type Currency,
} from '@/lib/money';
import { depositBody, useDeposit } from '../api/ops';

export function DepositForm() {
  const [accountId, setAccountId] = useState('');
  const [currency, setCurrency] = useState<Currency>('USD');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const key = useRef<{ key: string; fp: string } | null>(null);
  const m = useDeposit();
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (m.isPending) return;
    const check = checkPositiveAmount(amount, currency);
    const parsed = depositBody.safeParse({
      accountId: accountId.trim(),
      amount: check.ok ? minorToJson(check.minor) : 0,
      currency,
      reference,
    });
    const next: Record<string, string> = {};
    if (!check.ok) next.amount = check.reason;
    if (!parsed.success)
      for (const i of parsed.error.issues)
        if (i.path[0] !== 'amount') next[String(i.path[0])] ??= i.message;
    setErrors(next);
    if (!parsed.success || !check.ok) return;
    const fp = JSON.stringify(parsed.data);
    if (key.current?.fp !== fp) key.current = { key: newIdempotencyKey(), fp };
    m.mutate(
      { body: parsed.data, key: key.current.key },
      {
        onSuccess: () => {
          toast.show(
            `Deposited ${formatMoney(parsed.data.amount, currency)} into ${parsed.data.accountId}.`,
            'success',
          );
          setAmount('');
          setReference('');
          key.current = null;
        },
      },
    );
  };
  return (
    <Card title="Deposit from settlement">
      <form className="form" onSubmit={submit} noValidate aria-label="Deposit">
        <div className="form-row">
          <Input
            label="Account id"
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
            error={errors.accountId}
            autoComplete="off"
          />
          <Select
            label="Currency"
            value={currency}
            onChange={(e) => setCurrency(e.target.value as Currency)}
          >
            {CURRENCY_CODES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </div>
        <div className="form-row">
          <MoneyInput
            label="Amount"
            currency={currency}
            value={amount}
            onChange={(t) => setAmount(t)}
            error={errors.amount}
          />
          <Input
            label="Reference"
            hint="Unique: the same reference never deposits twice."
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            error={errors.reference}
          />
        </div>
        {m.isError && (
          <p className="form-error" role="alert">
            {plainMessage(m.error)}
          </p>
        )}
        <div className="form-actions">
          <Button type="submit" loading={m.isPending}>
            Deposit
          </Button>
        </div>
      </form>
    </Card>
  );
}
