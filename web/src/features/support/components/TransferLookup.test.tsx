import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, renderWithProviders } from '@/test/render';
import { actionsFor } from '../api/support';
import { TransferLookup } from './TransferLookup';

const transfer = (status: string) => ({
  id: 'trf_lookup0001',
  status,
  amount: 2500,
  currency: 'USD',
  fromAccountId: 'acc_from000001',
  toAccountId: 'acc_to00000001',
  memo: null,
  timeline: [{ status, at: '2026-03-05T10:00:00.000Z' }],
  createdAt: '2026-03-05T10:00:00.000Z',
  temporalUrl: 'http://127.0.0.1:8233/x',
});

afterEach(() => vi.unstubAllGlobals());

describe('support: find a transfer and reverse it', () => {
  it('offers reverse only for a completed transfer', () => {
    expect(actionsFor('COMPLETED')).toEqual(['reverse']);
    expect(actionsFor('REVERSED')).toEqual([]);
    expect(actionsFor('FAILED')).toEqual([]);
    expect(actionsFor('AWAITING_REVIEW')).toEqual(['approve', 'reject']);
  });

  it('looks the transfer up by id, then reverses it with a reason', async () => {
    const calls: { url: string; method: string; body: unknown }[] = [];
    let status = 'COMPLETED';
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        const method = init?.method ?? 'GET';
        calls.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
        if (method === 'POST') {
          status = 'REVERSED';
          return jsonResponse(200, transfer(status));
        }
        return jsonResponse(200, transfer(status));
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<TransferLookup />);
    await user.type(screen.getByLabelText('Transfer id'), ' trf_lookup0001 ');
    await user.click(screen.getByRole('button', { name: 'Find' }));
    expect(await screen.findByText('trf_lookup0001')).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ url: '/api/v1/transfers/trf_lookup0001', method: 'GET' });

    await user.click(screen.getByRole('button', { name: 'Reverse' }));
    await user.type(screen.getByLabelText('Reason'), 'sent to the wrong payee');
    await user.click(screen.getByRole('button', { name: 'Reverse transfer' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: '/api/v1/support/transfers/trf_lookup0001/reverse',
      body: { reason: 'sent to the wrong payee' },
    });
    // The lookup refreshes after the action: the transfer shows as reversed, with no action left.
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Reverse' })).not.toBeInTheDocument(),
    );
    expect(screen.getAllByText('Reversed').length).toBeGreaterThan(0);
  });
});
