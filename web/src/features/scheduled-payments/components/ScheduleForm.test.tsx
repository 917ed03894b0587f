import { describe, expect, it } from 'vitest';
import { buildScheduleBody } from './ScheduleForm';

const accounts = [
  {
    id: 'acc_checking01',
    number: '1000-0001',
    type: 'CHECKING',
    currency: 'USD',
    status: 'ACTIVE',
  },
];
const base = {
  fromAccountId: 'acc_checking01',
  toAccountId: 'acc_landlord01',
  amount: '1250.00',
  memo: 'Rent',
  frequency: 'MONTHLY' as const,
  startDate: '2030-01-31',
  dayOfMonth: '31',
  cron: '',
  endDate: '',
  maxCount: '12',
};

describe('scheduled payment form → API body', () => {
  it('builds a monthly schedule in minor units', () => {
    expect(buildScheduleBody(base, accounts).body).toEqual({
      fromAccountId: 'acc_checking01',
      toAccountId: 'acc_landlord01',
      amount: 125000,
      currency: 'USD',
      memo: 'Rent',
      schedule: {
        frequency: 'MONTHLY',
        startAt: '2030-01-31T09:00:00.000Z',
        dayOfMonth: 31,
        maxCount: 12,
      },
    });
  });

  it('requires a cron expression for CRON and a later end date', () => {
    const { errors } = buildScheduleBody(
      { ...base, frequency: 'CRON', endDate: '2029-01-01' },
      accounts,
    );
    expect(errors.cron).toBe('Enter a cron expression.');
    expect(errors.endDate).toBe('The end date must be after the start.');
  });
});
