import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Select } from '@/components/ui/Input';
import { plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import { openAccountInput, useOpenAccount, type OpenAccountInput } from '../api/accounts';

export function OpenAccountForm({ onOpened }: { onOpened: (id: string) => void }) {
  const [values, setValues] = useState<OpenAccountInput>({ type: 'CHECKING', currency: 'USD' });
  const key = useRef<string | null>(null);
  const mutation = useOpenAccount();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    const parsed = openAccountInput.parse(values);
    key.current ??= newIdempotencyKey();
    mutation.mutate({ input: parsed, key: key.current }, { onSuccess: (r) => onOpened(r.id) });
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Open an account">
      <div className="form-row">
        <Select
          label="Account type"
          value={values.type}
          onChange={(e) => {
            key.current = null;
            setValues((v) => ({ ...v, type: e.target.value as OpenAccountInput['type'] }));
          }}
        >
          <option value="CHECKING">Checking — everyday spending</option>
          <option value="SAVINGS">Savings — put money aside</option>
        </Select>
        <Select
          label="Currency"
          value={values.currency}
          onChange={(e) => {
            key.current = null;
            setValues((v) => ({ ...v, currency: e.target.value as OpenAccountInput['currency'] }));
          }}
        >
          <option value="USD">US dollar (USD)</option>
          <option value="EUR">Euro (EUR)</option>
          <option value="GBP">British pound (GBP)</option>
          <option value="CHF">Swiss franc (CHF)</option>
          <option value="JPY">Japanese yen (JPY)</option>
        </Select>
      </div>
      {mutation.isError && (
        <p className="form-error" role="alert">
          {plainMessage(mutation.error)}
        </p>
      )}
      <div className="form-actions">
        <Button type="submit" loading={mutation.isPending}>
          Open account
        </Button>
      </div>
    </form>
  );
}
