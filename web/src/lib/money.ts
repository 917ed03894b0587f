/**
 * Money in the browser, mirroring domain/money.ts exactly (see money.test.ts, which checks the
 * two agree). Amounts are integer minor units; parsing never goes through a float.
 */
export const CURRENCIES = { USD: 2, EUR: 2, GBP: 2, JPY: 0, CHF: 2 } as const;
export type Currency = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as Currency[];

/** 10^15 minor units: the largest amount one movement may carry (same as the API). */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000_000n;

export class MoneyParseError extends Error {
  override readonly name = 'MoneyParseError';
}

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCIES, value);
}

/** "12.34" → 1234n for USD. Same regex and rules as domain/money.ts `parseMajor`. */
export function parseMajor(input: string, currency: Currency): bigint {
  const exponent = CURRENCIES[currency];
  const match = /^\s*(-)?(\d+)(?:\.(\d*))?\s*$/.exec(input.replace(/,/g, ''));
  if (!match) throw new MoneyParseError(`Not an amount: ${input}`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new MoneyParseError(`${currency} has at most ${exponent} decimal places`);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  return sign ? -minor : minor;
}

/** 1050n USD → "10.50". Same as domain/money.ts `formatMajor`. */
export function formatMajor(amount: bigint, currency: Currency): string {
  const exponent = CURRENCIES[currency];
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export type AmountCheck = { ok: true; minor: bigint } | { ok: false; reason: string };

/**
 * What a money input accepts for a movement: a positive amount, with no more decimals than the
 * currency has, within the per-movement limit. Returns a reason in plain words otherwise.
 */
export function checkPositiveAmount(input: string, currency: Currency): AmountCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'Enter an amount.' };
  if (trimmed.startsWith('-')) return { ok: false, reason: 'The amount must be more than zero.' };
  const exponent = CURRENCIES[currency];
  let minor: bigint;
  try {
    minor = parseMajor(trimmed, currency);
  } catch {
    if (/^\s*\d[\d,]*\.\d+\s*$/.test(trimmed)) {
      return {
        ok: false,
        reason:
          exponent === 0
            ? `${currency} has no decimal places.`
            : `${currency} allows at most ${exponent} decimal places.`,
      };
    }
    return { ok: false, reason: 'Enter a number, like 25.00.' };
  }
  if (minor <= 0n) return { ok: false, reason: 'The amount must be more than zero.' };
  if (minor > MAX_AMOUNT_MINOR) return { ok: false, reason: 'That amount is too large.' };
  return { ok: true, minor };
}

/** HTTP bodies carry safe integers; MAX_AMOUNT_MINOR is below 2^53 so this is exact. */
export function minorToJson(minor: bigint): number {
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyParseError('Amount is outside the safe integer range');
  }
  return Number(minor);
}

export function toBigMinor(value: number | bigint | string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new MoneyParseError('Not an integer minor amount');
    return BigInt(value);
  }
  if (!/^-?\d{1,19}$/.test(value)) throw new MoneyParseError('Not an integer minor amount');
  return BigInt(value);
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Display form with symbol and grouping: 123456 USD → "$1,234.56". The decimal string from
 * formatMajor is handed to Intl as a string, so no float rounding can happen.
 */
export function formatMoney(
  minor: number | bigint | string,
  currency: string,
  opts: { signed?: boolean } = {},
): string {
  const code: Currency = isCurrency(currency) ? currency : 'USD';
  const amount = toBigMinor(minor);
  const key = `${code}:${opts.signed ? 's' : ''}`;
  let nf = formatters.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: code,
      minimumFractionDigits: CURRENCIES[code],
      maximumFractionDigits: CURRENCIES[code],
      signDisplay: opts.signed ? 'exceptZero' : 'auto',
    });
    formatters.set(key, nf);
  }
  // Intl.NumberFormat accepts decimal strings exactly (ES2023 Intl.NumberFormat v3).
  return nf.format(formatMajor(amount, code) as unknown as number);
}
