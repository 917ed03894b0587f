import { describe, expect, it } from 'vitest';
import * as domain from '../../../domain/money';
import {
  checkPositiveAmount,
  CURRENCIES,
  formatMajor,
  formatMoney,
  parseMajor,
  type Currency,
} from './money';

const inputs = [
  '0',
  '0.1',
  '0.2',
  '0.10',
  '0.01',
  '1.005',
  '12.34',
  '1,234.56',
  ' 7 ',
  '-3.5',
  '10.',
  '.5',
  'abc',
  '1e3',
  '123456789012.99',
  '999',
  '0.000',
];

describe('web money mirrors domain/money.ts', () => {
  it('has the same currencies and exponents', () => {
    expect(CURRENCIES).toEqual(domain.CURRENCIES);
  });

  for (const currency of Object.keys(CURRENCIES) as Currency[]) {
    it(`parseMajor agrees with the domain for ${currency}`, () => {
      for (const input of inputs) {
        let ours: bigint | string;
        let theirs: bigint | string;
        try {
          ours = parseMajor(input, currency);
        } catch {
          ours = 'error';
        }
        try {
          theirs = domain.parseMajor(input, currency);
        } catch {
          theirs = 'error';
        }
        expect({ input, currency, v: ours }).toEqual({ input, currency, v: theirs });
      }
    });

    it(`formatMajor agrees with the domain for ${currency}`, () => {
      for (const n of [0n, 1n, 5n, 10n, 99n, 100n, 123456n, -1n, -250n, 1_000_000_000_000_000n]) {
        expect(formatMajor(n, currency)).toBe(domain.formatMajor(n, currency));
      }
    });
  }
});

describe('exact major → minor parsing', () => {
  it('"0.1" + "0.2" is exactly 30 cents (no float drift)', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the float trap we avoid
    expect(parseMajor('0.1', 'USD') + parseMajor('0.2', 'USD')).toBe(30n);
    expect(formatMajor(parseMajor('0.1', 'USD') + parseMajor('0.2', 'USD'), 'USD')).toBe('0.30');
  });

  it('keeps large amounts exact', () => {
    expect(() => parseMajor('9007199254740.993', 'USD')).toThrow();
    expect(parseMajor('90071992547409.93', 'USD')).toBe(9007199254740993n);
    expect(parseMajor('1.15', 'USD')).toBe(115n); // 1.15 * 100 = 114.99999999999999 in floats
    expect(parseMajor('4.35', 'EUR')).toBe(435n); // 4.35 * 100 = 434.99999999999994
  });

  it('JPY has no decimals', () => {
    expect(parseMajor('1500', 'JPY')).toBe(1500n);
    expect(() => parseMajor('1500.5', 'JPY')).toThrow(/at most 0 decimal/);
    const c = checkPositiveAmount('10.5', 'JPY');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.reason).toMatch(/no decimal places/);
  });

  it('rejects too many decimals, zero, negatives and junk with plain reasons', () => {
    expect(checkPositiveAmount('12.345', 'USD')).toEqual({
      ok: false,
      reason: 'USD allows at most 2 decimal places.',
    });
    expect(checkPositiveAmount('0', 'USD')).toEqual({
      ok: false,
      reason: 'The amount must be more than zero.',
    });
    expect(checkPositiveAmount('-5', 'USD')).toEqual({
      ok: false,
      reason: 'The amount must be more than zero.',
    });
    expect(checkPositiveAmount('ten', 'USD')).toEqual({
      ok: false,
      reason: 'Enter a number, like 25.00.',
    });
    expect(checkPositiveAmount('', 'USD')).toEqual({ ok: false, reason: 'Enter an amount.' });
    expect(checkPositiveAmount('10000000000000.01', 'USD')).toEqual({
      ok: false,
      reason: 'That amount is too large.',
    });
    expect(checkPositiveAmount('1,250.50', 'USD')).toEqual({ ok: true, minor: 125050n });
  });

  it('formats for display without going through floats', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney(-250, 'EUR')).toBe('-€2.50');
    expect(formatMoney(5, 'USD', { signed: true })).toBe('+$0.05');
    expect(formatMoney('900719925474099', 'USD')).toBe('$9,007,199,254,740.99');
  });
});
