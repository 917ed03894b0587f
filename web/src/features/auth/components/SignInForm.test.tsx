import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, renderWithProviders } from '@/test/render';
import { session } from '@/lib/session';
import { SignInForm } from './SignInForm';
import { SignUpForm } from './SignUpForm';

afterEach(() => {
  vi.unstubAllGlobals();
  session.clear();
});

describe('SignInForm', () => {
  it('validates the fields', async () => {
    renderWithProviders(<SignInForm onSignedIn={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter a valid email address.')).toBeInTheDocument();
    expect(screen.getByText('Enter your password.')).toBeInTheDocument();
  });

  it('asks for the TOTP code when MFA is on, then keeps the access token in memory only', async () => {
    const calls: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const body = JSON.parse(String(init.body)) as { totp?: string };
        calls.push(body);
        if (!body.totp)
          return jsonResponse(401, { error: { code: 'MFA_REQUIRED', message: 'TOTP required' } });
        // The refresh token comes as an HttpOnly cookie, which scripts never see.
        return jsonResponse(200, { accessToken: 'access-1', expiresIn: 900 });
      }),
    );
    const onSignedIn = vi.fn();
    renderWithProviders(<SignInForm onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse 1');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const code = await screen.findByLabelText('Authentication code');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    expect(
      await screen.findByText('Enter the 6-digit code from your authenticator app.'),
    ).toBeInTheDocument();
    await userEvent.type(code, '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(calls[1]).toEqual({
      email: 'ada@example.com',
      password: 'correct horse 1',
      totp: '123456',
      refreshTokenDelivery: 'cookie',
    });
    expect(session.getAccessToken()).toBe('access-1');
    const stored = JSON.stringify({ ...sessionStorage, ...localStorage });
    expect(stored).not.toContain('access-1');
    // Only the no-secret hint that a refresh cookie may exist.
    expect({ ...localStorage }).toEqual({ 'harbor.session': '1' });
    expect({ ...sessionStorage }).toEqual({});
  });

  it('shows plain words for wrong credentials', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        jsonResponse(401, { error: { code: 'INVALID_CREDENTIALS', message: 'bad' } }),
      ),
    );
    renderWithProviders(<SignInForm onSignedIn={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'That email and password do not match.',
    );
  });
});

describe('SignUpForm', () => {
  it('applies the password rule and maps EMAIL_TAKEN to the email field', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => jsonResponse(409, { error: { code: 'EMAIL_TAKEN', message: 'taken' } })),
    );
    renderWithProviders(<SignUpForm onSignedUp={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Use at least 10 characters.')).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText('Password'));
    await userEvent.type(screen.getByLabelText('Password'), 'A-much-longer-passphrase-9');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText(/already exists/)).toBeInTheDocument();
  });
});
