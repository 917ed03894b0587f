import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from './session';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'locks');
  session.clear();
});

describe('session refresh (HttpOnly cookie)', () => {
  it('takes the cross-tab Web Lock around the refresh call, so tabs never present one cookie twice', async () => {
    const order: string[] = [];
    Object.defineProperty(navigator, 'locks', {
      configurable: true,
      value: {
        request: vi.fn(async (name: string, cb: () => Promise<unknown>) => {
          order.push(`lock ${name}`);
          await cb();
          order.push('unlock');
        }),
      },
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        order.push('refresh');
        return json(200, { accessToken: 'a2', expiresIn: 900 });
      }),
    );
    expect(await session.refresh()).toBe(true);
    expect(order).toEqual(['lock harbor.refresh', 'refresh', 'unlock']);
    expect(session.getAccessToken()).toBe('a2');
  });

  it('a rejected cookie ends the session and drops the resume hint', async () => {
    session.set({ accessToken: 'a1', expiresIn: 900 });
    expect(session.mayResume()).toBe(true);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: { code: 'TOKEN_REVOKED', message: 'revoked' } })),
    );
    expect(await session.refresh()).toBe(false);
    expect(session.getAccessToken()).toBeNull();
    expect(session.mayResume()).toBe(false);
  });

  it('a network failure keeps the hint (the cookie may still be good) and marks the session ready', async () => {
    session.set({ accessToken: 'a1', expiresIn: 900 });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('network down');
      }),
    );
    expect(await session.refresh()).toBe(false);
    expect(session.mayResume()).toBe(true);
    expect(session.getSnapshot().ready).toBe(true);
  });
});
