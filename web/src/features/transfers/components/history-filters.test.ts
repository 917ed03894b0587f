import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  filtersFromParams,
  paramsFromFilters,
  toApiFilters,
} from './history-filters';

describe('history filters', () => {
  it('round-trips through the URL query string', () => {
    const f = { ...EMPTY_FILTERS, status: 'COMPLETED', min: '10.50', who: 'Lind' };
    const params = paramsFromFilters(f);
    expect(params.toString()).toBe('status=COMPLETED&min=10.50&who=Lind');
    expect(filtersFromParams(params)).toEqual(f);
  });

  it('maps to the API: whole local days as instants, exact minor units', () => {
    const { filters, errors } = toApiFilters(
      {
        ...EMPTY_FILTERS,
        account: 'acc_1',
        from: '2026-03-05',
        to: '2026-03-05',
        min: '0.29',
        max: '1,000.10',
        who: ' 1234 ',
      },
      'USD',
    );
    expect(errors).toEqual({});
    expect(filters).toEqual({
      accountId: 'acc_1',
      createdFrom: new Date(2026, 2, 5).toISOString(),
      createdTo: new Date(new Date(2026, 2, 6).getTime() - 1).toISOString(),
      minAmount: '29',
      maxAmount: '100010',
      counterparty: '1234',
    });
    expect(toApiFilters({ ...EMPTY_FILTERS, min: '500' }, 'JPY').filters.minAmount).toBe('500');
  });

  it('explains bad input and leaves those filters out', () => {
    const { filters, errors } = toApiFilters(
      { ...EMPTY_FILTERS, from: '2026-03-09', to: '2026-03-01', min: '5', max: '4.99', who: 'x' },
      'USD',
    );
    expect(errors).toEqual({
      to: 'The end date is before the start date.',
      max: 'The maximum is below the minimum.',
    });
    expect(filters).toEqual({
      createdFrom: new Date(2026, 2, 9).toISOString(),
      minAmount: '500',
      counterparty: 'x',
    });
    expect(toApiFilters({ ...EMPTY_FILTERS, min: '1.001' }, 'USD').errors.min).toBe(
      'Enter an amount like 10.00.',
    );
    expect(toApiFilters({ ...EMPTY_FILTERS, from: '2026-02-31' }, 'USD').errors.from).toBe(
      'Enter a valid date.',
    );
  });
});
