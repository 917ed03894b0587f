import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, renderWithProviders } from '@/test/render';
import { TransferForm, validateTransfer } from './TransferForm';
import type { OwnAccount } from './types';

const accounts: OwnAccount[] = [
  {
    id: 'acc_checking01',
    number: '1000-0001',
    type: 'CHECKING',
    currency: 'USD',
    status: 'ACTIVE',
    balances: { available: 50_000 },
  },
  {
    id: 'acc_savings002',
    number: '1000-0002',
    type: 'SAVINGS',
    currency: 'USD',
    status: 'ACTIVE',
    balances: { available: 0 },
  },
  {
    id: 'acc_yen0000003',
    number: '1000-0003',
    type: 'CHECKING',
    currency: 'JPY',
    status: 'ACTIVE',
    balances: { available: 9000 },
  },
];

afterEach(() => vi.unstubAllGlobals());

async function fillAndReview(amount = '0.30') {
  await userEvent.type(screen.getByLabelText('Recipient account number'), 'acc_someone999');
  await userEvent.type(screen.getByLabelText('Amount'), amount);
  await userEvent.click(screen.getByRole('button', { name: 'Review transfer' }));
}

describe('TransferForm', () => {
  it('validates before review: missing destination, bad amount', async () => {
    renderWithProviders(<TransferForm accounts={accounts} onSubmitted={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Amount'), '5.001');
    await userEvent.click(screen.getByRole('button', { name: 'Review transfer' }));
    expect(await screen.findByText('Enter the account number to send to.')).toBeInTheDocument();
    expect(screen.getByText('USD allows at most 2 decimal places.')).toBeInTheDocument();
  });

  it('builds the exact API body in minor units', () => {
    const { body } = validateTransfer(
      {
        fromAccountId: 'acc_checking01',
        destination: 'own',
        toOwnAccountId: 'acc_savings002',
        toAccount: '',
        amount: '1.15',
        memo: ' rent ',
      },
      accounts,
    );
    expect(body).toEqual({
      fromAccountId: 'acc_checking01',
      toAccountId: 'acc_savings002',
      amount: 115,
      currency: 'USD',
      memo: 'rent',
    });
    const cross = validateTransfer(
      {
        fromAccountId: 'acc_checking01',
        destination: 'own',
        toOwnAccountId: 'acc_yen0000003',
        toAccount: '',
        amount: '1',
        memo: '',
      },
      accounts,
    );
    expect(cross.errors.toOwnAccountId).toBe('Both accounts must use the same currency.');
  });

  it('sends to another customer by account number, and own numbers by id', () => {
    const base = {
      fromAccountId: 'acc_checking01',
      destination: 'other' as const,
      toOwnAccountId: '',
      amount: '12.50',
      memo: '',
    };
    // Typed with spaces: normalized to the 10 digits the API looks up.
    expect(validateTransfer({ ...base, toAccount: ' 7992 7398 75 ' }, accounts).body).toEqual({
      fromAccountId: 'acc_checking01',
      toAccountNumber: '7992739875',
      amount: 1250,
      currency: 'USD',
    });
    expect(validateTransfer({ ...base, toAccount: '7992739871' }, accounts).errors.toAccount).toBe(
      'That account number is not valid. Check each digit.',
    );
    expect(validateTransfer({ ...base, toAccount: '79927' }, accounts).errors.toAccount).toBe(
      'An account number has 10 digits.',
    );
    const mine = [{ ...accounts[0]!, number: '7992739875' }, accounts[1]!];
    expect(validateTransfer({ ...base, toAccount: '7992739875' }, mine).errors.toAccount).toBe(
      'Choose a different account to send to.',
    );
    const toSavings = [accounts[0]!, { ...accounts[1]!, number: '7992739875' }];
    expect(validateTransfer({ ...base, toAccount: '7992-7398-75' }, toSavings).body).toMatchObject({
      toAccountId: 'acc_savings002',
    });
  });

  it('reviews a number destination and explains an unknown account without resending', async () => {
    const bodies: unknown[] = [];
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return jsonResponse(404, {
        error: { code: 'ACCOUNT_NOT_FOUND', message: 'No account has this number' },
      });
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<TransferForm accounts={accounts} onSubmitted={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Recipient account number'), '7992739875');
    await userEvent.type(screen.getByLabelText('Amount'), '2');
    await userEvent.click(screen.getByRole('button', { name: 'Review transfer' }));
    expect(screen.getByTestId('review-destination')).toHaveTextContent('Account 7992 7398 75');
    await userEvent.click(screen.getByRole('button', { name: 'Send $2.00' }));
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent(
      "We couldn't find that account",
    );
    expect(screen.queryByRole('button', { name: /Send|Try again/ })).not.toBeInTheDocument();
    expect(bodies).toEqual([
      {
        fromAccountId: 'acc_checking01',
        toAccountNumber: '7992739875',
        amount: 200,
        currency: 'USD',
      },
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect(screen.getByLabelText('Recipient account number')).toHaveValue('7992739875');
  });

  it('sends once on a double click, with one Idempotency-Key reused on retry', async () => {
    const keys: string[] = [];
    const bodies: unknown[] = [];
    let call = 0;
    let failFirst: (e: Error) => void = () => undefined;
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
      keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
      bodies.push(JSON.parse(String(init.body)));
      call += 1;
      // The first request hangs until we drop it, so the double click lands while it is in flight.
      if (call === 1) return new Promise<Response>((_, reject) => (failFirst = reject));
      return jsonResponse(201, {
        id: 'trf_abc123456',
        status: 'FUNDS_HELD',
        amount: 30,
        currency: 'USD',
        fromAccountId: 'acc_checking01',
        toAccountId: 'acc_someone999',
        timeline: [],
      });
    });
    vi.stubGlobal('fetch', fetchMock);
    const onSubmitted = vi.fn();
    renderWithProviders(<TransferForm accounts={accounts} onSubmitted={onSubmitted} />);
    await fillAndReview('0.30');
    expect(screen.getByTestId('review-amount')).toHaveTextContent('$0.30');

    const send = screen.getByRole('button', { name: 'Send $0.30' });
    await userEvent.dblClick(send);
    await userEvent.click(send);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    failFirst(new TypeError('network down'));
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent(
      "couldn't reach Harbor Bank",
    );
    expect(fetchMock).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(onSubmitted).toHaveBeenCalledWith(expect.objectContaining({ id: 'trf_abc123456' })),
    );
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(bodies[0]).toEqual({
      fromAccountId: 'acc_checking01',
      toAccountId: 'acc_someone999',
      amount: 30,
      currency: 'USD',
    });
  });

  it('uses a new key when the reviewed transfer changes, and explains insufficient funds', async () => {
    const keys: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
        return jsonResponse(422, {
          error: {
            code: 'INSUFFICIENT_FUNDS',
            message: 'Insufficient funds',
            details: { transferId: 'trf_x' },
          },
        });
      }),
    );
    renderWithProviders(<TransferForm accounts={accounts} onSubmitted={vi.fn()} />);
    await fillAndReview('900.00');
    await userEvent.click(screen.getByRole('button', { name: 'Send $900.00' }));
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent(
      "There isn't enough available money in this account",
    );
    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    await userEvent.clear(screen.getByLabelText('Amount'));
    await userEvent.type(screen.getByLabelText('Amount'), '1.00');
    await userEvent.click(screen.getByRole('button', { name: 'Review transfer' }));
    await userEvent.click(screen.getByRole('button', { name: 'Send $1.00' }));
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).not.toBe(keys[0]);
  });
});
