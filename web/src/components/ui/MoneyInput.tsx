import { useState, type ReactNode } from 'react';
import { Field } from './Field';
import { CURRENCIES, checkPositiveAmount, type Currency } from '@/lib/money';

export interface MoneyInputProps {
  label: ReactNode;
  currency: Currency;
  /** The raw text the person typed, in major units ("1,250.50"). */
  value: string;
  onChange: (text: string, minor: bigint | null) => void;
  hint?: ReactNode;
  /** An error from outside (the form, the server); shown instead of our own. */
  error?: string | null;
  name?: string;
  disabled?: boolean;
  required?: boolean;
}

/**
 * Amount entry in major units. The text is parsed with the same exact rules as the API's
 * domain/money.ts (no floats); onChange reports the minor units, or null when it is not valid.
 */
export function MoneyInput({
  label,
  currency,
  value,
  onChange,
  hint,
  error,
  name,
  disabled,
  required,
}: MoneyInputProps) {
  const [touched, setTouched] = useState(false);
  const check = checkPositiveAmount(value, currency);
  const ownError = touched && !check.ok ? check.reason : null;
  const exponent = CURRENCIES[currency];
  return (
    <Field
      label={label}
      hint={hint ?? (exponent === 0 ? `Whole ${currency} only` : `Up to ${exponent} decimals`)}
      error={error ?? ownError}
    >
      {(a11y) => (
        <div className="money-input">
          <span className="money-input-currency" aria-hidden="true">
            {currency}
          </span>
          <input
            {...a11y}
            className="input money-input-field"
            inputMode={exponent === 0 ? 'numeric' : 'decimal'}
            autoComplete="off"
            name={name}
            placeholder={exponent === 0 ? '0' : '0.00'}
            value={value}
            disabled={disabled}
            required={required}
            onChange={(e) => {
              const text = e.target.value;
              const next = checkPositiveAmount(text, currency);
              onChange(text, next.ok ? next.minor : null);
            }}
            onBlur={() => setTouched(true)}
          />
        </div>
      )}
    </Field>
  );
}
