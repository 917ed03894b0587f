/**
 * The session: the access token lives in this module's memory only (never in storage). The
 * refresh token never reaches JavaScript: the API sets it in an HttpOnly, SameSite=Strict cookie
 * scoped to /api/v1/auth (login with `refreshTokenDelivery: 'cookie'`), so a script injected into
 * the page cannot read or exfiltrate it. A reload, or another tab, gets a new access token from
 * that cookie. localStorage keeps only a hint that a cookie may exist ("1", no secret), so a
 * signed-out visitor does not spend a refresh call on every load. See web/README.md.
 */
const SESSION_HINT_KEY = 'harbor.session';
const API_BASE = '/api/v1';

export interface TokenPair {
  accessToken: string;
  /** Only for API clients using body delivery; the web app receives it as a cookie. */
  refreshToken?: string;
  expiresIn: number; // seconds
}

interface SessionState {
  accessToken: string | null;
  /** true once we know whether the refresh cookie works (or there is none). */
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
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Tabs share the cookie, and refresh tokens rotate: two tabs presenting the same cookie at once
 * would look like token theft and revoke the session. The Web Locks API serialises refreshes
 * across tabs; the second tab then presents the cookie the first one received.
 */
async function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return work();
  let result!: T;
  await locks.request('harbor.refresh', async () => {
    result = await work();
  });
  return result;
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
  /** Whether a refresh cookie may exist (set at sign-in, dropped at sign-out or when it fails). */
  mayResume(): boolean {
    return storage()?.getItem(SESSION_HINT_KEY) === '1';
  },
  /** Keeps a fresh access token and schedules a silent refresh one minute before expiry. */
  set(pair: TokenPair) {
    storage()?.setItem(SESSION_HINT_KEY, '1');
    clearTimeout(refreshTimer);
    const lead = Math.max(10, pair.expiresIn - 60) * 1000;
    refreshTimer = setTimeout(() => void session.refresh(), lead);
    emit({ accessToken: pair.accessToken, ready: true });
  },
  clear() {
    storage()?.removeItem(SESSION_HINT_KEY);
    clearTimeout(refreshTimer);
    emit({ accessToken: null, ready: true });
  },
  markReady() {
    if (!state.ready) emit({ ready: true });
  },
  /**
   * One refresh at a time: concurrent 401s share the same attempt, and tabs take turns (refresh
   * tokens rotate, and reusing a rotated one would revoke the whole family).
   */
  refresh(): Promise<boolean> {
    if (inflightRefresh) return inflightRefresh;
    inflightRefresh = acrossTabs(async () => {
      try {
        // The cookie goes along by itself (same origin); the JSON body keeps this a request a
        // cross-site form cannot make.
        const send = () =>
          fetch(`${API_BASE}/auth/refresh`, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          });
        let res = await send();
        if (res.status === 429) {
          // Rate limited: the cookie is still good; wait as told (at most 10 s) and try once more.
          const wait = Math.min(10, Number(res.headers.get('retry-after')) || 2);
          await new Promise((r) => setTimeout(r, wait * 1000));
          res = await send();
        }
        if (!res.ok) {
          session.clear();
          return false;
        }
        const pair = (await res.json()) as TokenPair;
        if (!pair.accessToken) {
          session.clear();
          return false;
        }
        session.set(pair);
        return true;
      } catch {
        // Network trouble: the cookie may still be good for a later try; no access token now.
        emit({ ready: true });
        return false;
      }
    }).finally(() => {
      inflightRefresh = null;
    });
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
