import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse } from '@/test/render';
import { TransferHistory } from './TransferHistory';
import type { OwnAccount } from './types';

const accounts: OwnAccount[] = [
  {
    id: 'acc_mine000001',
    number: '1234567897',
    type: 'CHECKING',
    currency: 'USD',
    status: 'ACTIVE',
    balances: { available: 1000 },
  },
];

const item = (id: string, extra: object = {}) => ({
  id,
  status: 'COMPLETED',
  amount: 1250,
  currency: 'USD',
  fromAccountId: 'acc_mine000001',
  toAccountId: 'acc_theirs0001',
  fromAccountNumber: '1234567897',
  toAccountNumber: '7992739875',
  memo: null,
  timeline: [],
  createdAt: '2026-03-05T10:00:00.000Z',
  ...extra,
});

function Where() {
  const l = useLocation();
  return <output data-testid="location">{l.search}</output>;
}

function renderAt(url: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <TransferHistory accounts={accounts} />
        <Where />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('TransferHistory', () => {
  it('sends the URL filters to the API and pages with the cursor under them', async () => {
    const urls: URL[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const u = new URL(url, 'http://x');
        urls.push(u);
        return u.searchParams.get('cursor')
          ? jsonResponse(200, { items: [item('trf_2')], nextCursor: null })
          : jsonResponse(200, { items: [item('trf_1')], nextCursor: 'c1' });
      }),
    );
    renderAt('/history?status=COMPLETED&min=10&who=7992');
    expect(await screen.findByText('To Account 7992 7398 75')).toBeInTheDocument();
    const first = urls[0]!.searchParams;
    expect(first.get('status')).toBe('COMPLETED');
    expect(first.get('minAmount')).toBe('1000');
    expect(first.get('counterparty')).toBe('7992');
    expect(screen.getByLabelText('Counterparty')).toHaveValue('7992');

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(urls).toHaveLength(2));
    const second = urls[1]!.searchParams;
    expect(second.get('cursor')).toBe('c1');
    expect(second.get('counterparty')).toBe('7992');
    expect(second.get('minAmount')).toBe('1000');
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(3));
  });

  it('applies typed filters to the URL on submit and clears them', async () => {
    const urls: URL[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(new URL(url, 'http://x'));
        return jsonResponse(200, { items: [], nextCursor: null });
      }),
    );
    renderAt('/history');
    expect(await screen.findByText('No transfers yet')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Max amount'), '20.5');
    await userEvent.type(screen.getByLabelText('Counterparty'), 'Lind');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('?max=20.5&who=Lind'),
    );
    expect(await screen.findByText('No transfers match these filters')).toBeInTheDocument();
    const last = urls[urls.length - 1]!.searchParams;
    expect(last.get('maxAmount')).toBe('2050');
    expect(last.get('counterparty')).toBe('Lind');
    await userEvent.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^$/));
    expect(screen.getByLabelText('Counterparty')).toHaveValue('');
  });
});
