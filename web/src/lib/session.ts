/**
 * The session: the access token lives in this module's memory only (never in storage, so a page
 * reload or another tab cannot read it from disk). The refresh token is kept in sessionStorage so
 * a reload of this tab can silently get a new access token; it is gone when the tab closes.
 * See web/README.md for the tradeoff.
 */
const REFRESH_KEY = 'harbor.refreshToken';
const API_BASE = '/api/v1';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number; // seconds
}

interface SessionState {
  accessToken: string | null;
  /** true once we know whether a stored refresh token works (or there is none). */
  ready: boolean;
}

let state: SessionState = { accessToken: null, ready: false };
const listeners = new Set<() => void>();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inflightRefresh: Promise<boolean> | null = null;

function emit(next: Partial<SessionState>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

export const session = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot(): SessionState {
    return state;
  },
  getAccessToken(): string | null {
    return state.accessToken;
  },
  getRefreshToken(): string | null {
    return storage()?.getItem(REFRESH_KEY) ?? null;
  },
  /** Stores a fresh pair and schedules a silent refresh one minute before expiry. */
  set(pair: TokenPair) {
    storage()?.setItem(REFRESH_KEY, pair.refreshToken);
    clearTimeout(refreshTimer);
    const lead = Math.max(10, pair.expiresIn - 60) * 1000;
    refreshTimer = setTimeout(() => void session.refresh(), lead);
    emit({ accessToken: pair.accessToken, ready: true });
  },
  clear() {
    storage()?.removeItem(REFRESH_KEY);
    clearTimeout(refreshTimer);
    emit({ accessToken: null, ready: true });
  },
  markReady() {
    if (!state.ready) emit({ ready: true });
  },
  /**
   * One refresh at a time: concurrent 401s share the same attempt (refresh tokens rotate, and
   * reusing a rotated one would revoke the whole family).
   */
  refresh(): Promise<boolean> {
    if (inflightRefresh) return inflightRefresh;
    const refreshToken = session.getRefreshToken();
    if (!refreshToken) {
      session.clear();
      return Promise.resolve(false);
    }
    inflightRefresh = (async () => {
      try {
        const send = () =>
          fetch(`${API_BASE}/auth/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refreshToken }),
          });
        let res = await send();
        if (res.status === 429) {
          // Rate limited: the token is still good; wait as told (at most 10 s) and try once more.
          const wait = Math.min(10, Number(res.headers.get('retry-after')) || 2);
          await new Promise((r) => setTimeout(r, wait * 1000));
          res = await send();
        }
        if (!res.ok) {
          session.clear();
          return false;
        }
        const pair = (await res.json()) as TokenPair;
        if (!pair.accessToken || !pair.refreshToken) {
          session.clear();
          return false;
        }
        session.set(pair);
        return true;
      } catch {
        // Network trouble: keep the refresh token for a later try, but we have no access token.
        emit({ ready: true });
        return false;
      } finally {
        inflightRefresh = null;
      }
    })();
    return inflightRefresh;
  },
};

type ExpiredHandler = (returnTo: string) => void;
let onExpired: ExpiredHandler = (returnTo) => {
  window.location.assign(`/sign-in?returnTo=${encodeURIComponent(returnTo)}&expired=1`);
};

/** The router registers a handler that navigates to sign-in without a full reload. */
export function setSessionExpiredHandler(handler: ExpiredHandler) {
  onExpired = handler;
}

export function sessionExpired() {
  session.clear();
  const here = `${window.location.pathname}${window.location.search}`;
  if (window.location.pathname.startsWith('/sign-in')) return;
  onExpired(here);
}
