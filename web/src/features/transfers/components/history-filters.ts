/**
 * History filters live in the URL query string (shareable, survive a reload and the back button)
 * in the words a person types: local dates and major-unit amounts. `toApiFilters` turns them into
 * the API's filters: ISO instants covering whole local days, and exact minor units (no floats).
 */
import { isCurrency, parseMajor, type Currency } from '@/lib/money';
import type { TransferFilters } from '../api/transfers';

export const FILTER_KEYS = ['account', 'status', 'from', 'to', 'min', 'max', 'who'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type HistoryFilters = Record<FilterKey, string>;

export const EMPTY_FILTERS: HistoryFilters = {
  account: '',
  status: '',
  from: '',
  to: '',
  min: '',
  max: '',
  who: '',
};

export function filtersFromParams(params: URLSearchParams): HistoryFilters {
  const out = { ...EMPTY_FILTERS };
  for (const k of FILTER_KEYS) out[k] = params.get(k) ?? '';
  return out;
}

export function paramsFromFilters(f: HistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k].trim()) params.set(k, f[k].trim());
  return params;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Local midnight of a YYYY-MM-DD day, or null for anything else. */
function localDay(day: string): Date | null {
  if (!DAY.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const at = new Date(y, m - 1, d);
  return at.getFullYear() === y && at.getMonth() === m - 1 && at.getDate() === d ? at : null;
}

function amountMinor(text: string, currency: Currency): bigint | null {
  try {
    const v = parseMajor(text, currency);
    return v >= 0n ? v : null;
  } catch {
    return null;
  }
}

export type FilterErrors = Partial<Record<FilterKey, string>>;

export function toApiFilters(
  f: HistoryFilters,
  currencyCode: string,
): { filters: TransferFilters; errors: FilterErrors } {
  const currency: Currency = isCurrency(currencyCode) ? currencyCode : 'USD';
  const errors: FilterErrors = {};
  const filters: TransferFilters = {};
  if (f.account) filters.accountId = f.account;
  if (f.status) filters.status = f.status;
  const from = f.from ? localDay(f.from) : null;
  const to = f.to ? localDay(f.to) : null;
  if (f.from && !from) errors.from = 'Enter a valid date.';
  if (f.to && !to) errors.to = 'Enter a valid date.';
  if (from && to && from > to) errors.to = 'The end date is before the start date.';
  if (from && !errors.from) filters.createdFrom = from.toISOString();
  if (to && !errors.to) {
    // Inclusive end of that local day.
    const end = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
    filters.createdTo = new Date(end.getTime() - 1).toISOString();
  }
  const min = f.min.trim() ? amountMinor(f.min, currency) : null;
  const max = f.max.trim() ? amountMinor(f.max, currency) : null;
  if (f.min.trim() && min === null) errors.min = 'Enter an amount like 10.00.';
  if (f.max.trim() && max === null) errors.max = 'Enter an amount like 10.00.';
  if (min !== null && max !== null && min > max) errors.max = 'The maximum is below the minimum.';
  if (min !== null && !errors.min) filters.minAmount = min.toString();
  if (max !== null && !errors.max) filters.maxAmount = max.toString();
  const who = f.who.trim();
  if (who.length > 100) errors.who = 'Keep it under 100 characters.';
  else if (who) filters.counterparty = who;
  return { filters, errors };
}

export const hasFilters = (f: HistoryFilters) => FILTER_KEYS.some((k) => f[k].trim() !== '');
