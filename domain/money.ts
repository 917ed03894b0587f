/**
 * Money is always an integer count of minor units (cents) plus its currency. Never a float.
 *
 * In code amounts are `bigint`. Temporal's JSON payloads and our HTTP JSON cannot carry bigint,
 * so on those wires an amount is a decimal string of minor units (`MinorString`) inside Temporal
 * payloads, and a safe integer in HTTP bodies. Convert at the edge with the helpers below.
 */
import { DomainError } from './errors';

/** ISO 4217 currencies this bank supports, with their minor-unit exponent. */
export const CURRENCIES = { USD: 2, EUR: 2, GBP: 2, JPY: 0, CHF: 2 } as const;
export type Currency = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as Currency[];

/** Decimal string of integer minor units, e.g. "1050" for $10.50. */
export type MinorString = string;

export interface Money {
  readonly amount: bigint;
  readonly currency: Currency;
}

/** Largest amount accepted in one movement: 10^15 minor units, inside JS safe-integer range. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000_000n;

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCIES, value);
}

export function assertCurrency(value: unknown): Currency {
  if (!isCurrency(value)) {
    throw new DomainError('UNSUPPORTED_CURRENCY', `Unsupported currency: ${String(value)}`);
  }
  return value;
}

/** Parses a minor-unit amount from a bigint, a safe integer or a decimal integer string. */
export function toMinor(value: bigint | number | string): bigint {
  let amount: bigint;
  if (typeof value === 'bigint') amount = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new DomainError('INVALID_AMOUNT', 'Amount must be an integer number of minor units');
    }
    amount = BigInt(value);
  } else {
    if (!/^-?\d{1,19}$/.test(value)) {
      throw new DomainError('INVALID_AMOUNT', 'Amount must be an integer number of minor units');
    }
    amount = BigInt(value);
  }
  return amount;
}

/** A positive amount within limits: what every money movement requires. */
export function toPositiveMinor(value: bigint | number | string): bigint {
  const amount = toMinor(value);
  if (amount <= 0n) throw new DomainError('INVALID_AMOUNT', 'Amount must be greater than zero');
  if (amount > MAX_AMOUNT_MINOR) throw new DomainError('INVALID_AMOUNT', 'Amount is too large');
  return amount;
}

export function money(amount: bigint | number | string, currency: Currency): Money {
  return { amount: toMinor(amount), currency };
}

export function minorToString(amount: bigint): MinorString {
  return amount.toString(10);
}

/**
 * Parses a major-unit decimal string ("12.34") into minor units exactly, without floats.
 * Rejects more fraction digits than the currency has.
 */
export function parseMajor(input: string, currency: Currency): bigint {
  const exponent = CURRENCIES[currency];
  const match = /^\s*(-)?(\d+)(?:\.(\d*))?\s*$/.exec(input.replace(/,/g, ''));
  if (!match) throw new DomainError('INVALID_AMOUNT', `Not an amount: ${input}`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new DomainError('INVALID_AMOUNT', `${currency} has at most ${exponent} decimal places`);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  return sign ? -minor : minor;
}

/** Formats minor units as a plain major-unit decimal string, e.g. 1050n USD → "10.50". */
export function formatMajor(amount: bigint, currency: Currency): string {
  const exponent = CURRENCIES[currency];
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function sameCurrency(a: Money, b: Money): boolean {
  return a.currency === b.currency;
}

export function addMoney(a: Money, b: Money): Money {
  if (!sameCurrency(a, b)) throw new DomainError('CURRENCY_MISMATCH', 'Currencies differ');
  return { amount: a.amount + b.amount, currency: a.currency };
}
