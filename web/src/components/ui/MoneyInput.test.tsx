import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MoneyInput } from './MoneyInput';
import type { Currency } from '@/lib/money';

function Harness({
  currency,
  onMinor,
}: {
  currency: Currency;
  onMinor: (m: bigint | null) => void;
}) {
  const [text, setText] = useState('');
  return (
    <MoneyInput
      label="Amount"
      currency={currency}
      value={text}
      onChange={(t, minor) => {
        setText(t);
        onMinor(minor);
      }}
    />
  );
}

describe('MoneyInput', () => {
  it('reports exact minor units for what was typed', async () => {
    const seen: (bigint | null)[] = [];
    render(<Harness currency="USD" onMinor={(m) => seen.push(m)} />);
    await userEvent.type(screen.getByLabelText('Amount'), '0.1');
    expect(seen.at(-1)).toBe(10n);
    await userEvent.clear(screen.getByLabelText('Amount'));
    await userEvent.type(screen.getByLabelText('Amount'), '0.2');
    expect(seen.at(-1)).toBe(20n);
    expect(10n + seen.at(-1)!).toBe(30n);
    await userEvent.clear(screen.getByLabelText('Amount'));
    await userEvent.type(screen.getByLabelText('Amount'), '1,234.56');
    expect(seen.at(-1)).toBe(123456n);
  });

  it('rejects a third decimal for USD with a visible, announced error', async () => {
    const onMinor = vi.fn();
    render(<Harness currency="USD" onMinor={onMinor} />);
    const input = screen.getByLabelText('Amount');
    await userEvent.type(input, '12.345');
    expect(onMinor).toHaveBeenLastCalledWith(null);
    await userEvent.tab();
    expect(screen.getByRole('alert')).toHaveTextContent('USD allows at most 2 decimal places.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
  });

  it('takes whole yen only', async () => {
    const onMinor = vi.fn();
    render(<Harness currency="JPY" onMinor={onMinor} />);
    const input = screen.getByLabelText('Amount');
    expect(screen.getByText('Whole JPY only')).toBeInTheDocument();
    await userEvent.type(input, '1500');
    expect(onMinor).toHaveBeenLastCalledWith(1500n);
    await userEvent.type(input, '.5');
    expect(onMinor).toHaveBeenLastCalledWith(null);
    await userEvent.tab();
    expect(screen.getByRole('alert')).toHaveTextContent('JPY has no decimal places.');
  });
});
