import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { request } from './api-client';
import { ApiError } from './errors';
import { session, setSessionExpiredHandler } from './session';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  session.clear();
});

describe('api client auth', () => {
  it('on 401 refreshes once (shared by concurrent calls) and retries with the new token', async () => {
    session.set({ accessToken: 'old', expiresIn: 900 });
    const seen: string[] = [];
    let refreshes = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if (url.endsWith('/auth/refresh')) {
          refreshes += 1;
          // The token travels in the HttpOnly cookie; the body carries none.
          expect(JSON.parse(String(init.body))).toEqual({});
          expect(init.credentials).toBe('same-origin');
          return json(200, { accessToken: 'new', expiresIn: 900 });
        }
        const auth = new Headers(init.headers).get('authorization') ?? '';
        seen.push(auth);
        return auth === 'Bearer new'
          ? json(200, { ok: true })
          : json(401, { error: { code: 'UNAUTHORIZED', message: 'expired' } });
      }),
    );
    const schema = z.object({ ok: z.boolean() });
    const [a, b] = await Promise.all([request('/accounts', schema), request('/transfers', schema)]);
    expect(a.ok && b.ok).toBe(true);
    expect(refreshes).toBe(1);
    expect(session.getAccessToken()).toBe('new');
    expect(session.mayResume()).toBe(true);
    expect(seen.filter((h) => h === 'Bearer new')).toHaveLength(2);
  });

  it('when the refresh fails, ends the session and sends the person to sign-in keeping the page', async () => {
    window.history.pushState({}, '', '/history?status=COMPLETED');
    session.set({ accessToken: 'old', expiresIn: 900 });
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.endsWith('/auth/refresh')
          ? json(401, { error: { code: 'TOKEN_REVOKED', message: 'revoked' } })
          : json(401, { error: { code: 'UNAUTHORIZED', message: 'expired' } }),
      ),
    );
    await expect(request('/accounts', z.unknown())).rejects.toBeInstanceOf(ApiError);
    expect(expired).toHaveBeenCalledWith('/history?status=COMPLETED');
    expect(session.getAccessToken()).toBeNull();
    expect(session.mayResume()).toBe(false);
  });

  it('turns the error body into an ApiError with its code and details', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(422, {
          error: { code: 'ACCOUNT_FROZEN', message: 'frozen', details: { accountId: 'acc_1' } },
        }),
      ),
    );
    const err = (await request('/transfers', z.unknown(), { body: {} }).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err).toMatchObject({
      status: 422,
      code: 'ACCOUNT_FROZEN',
      details: { accountId: 'acc_1' },
    });
  });
});
