import type { z } from 'zod';
import { ApiError } from './errors';
import { session, sessionExpired } from './session';

export const API_BASE = '/api/v1';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Skip the bearer token and the refresh dance (login, register). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = `${API_BASE}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function toApiError(res: Response): Promise<ApiError> {
  let code = res.status === 401 ? 'UNAUTHORIZED' : res.status >= 500 ? 'INTERNAL' : 'ERROR';
  let message = res.statusText || `Request failed (${res.status})`;
  let details: Record<string, unknown> = {};
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? {};
    }
  } catch {
    /* not JSON */
  }
  if (res.status === 429) code = 'RATE_LIMITED';
  return new ApiError(res.status, code, message, details);
}

/**
 * fetch with the bearer token. On a 401 it refreshes once (shared with any concurrent request)
 * and retries once; if that fails the session is over and we go to sign-in, keeping the page.
 */
export async function authedFetch(
  url: string,
  init: RequestInit & { anonymous?: boolean } = {},
): Promise<Response> {
  const attempt = (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token && !init.anonymous) headers.set('authorization', `Bearer ${token}`);
    return fetch(url, { ...init, headers });
  };
  let res: Response;
  try {
    res = await attempt(session.getAccessToken());
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Network error');
  }
  if (res.status !== 401 || init.anonymous) return res;
  const refreshed = await session.refresh();
  if (!refreshed) {
    sessionExpired();
    return res;
  }
  res = await attempt(session.getAccessToken());
  if (res.status === 401) sessionExpired();
  return res;
}

export async function request<T>(
  path: string,
  schema: z.ZodType<T> | null,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  const res = await authedFetch(buildUrl(path, opts.query), {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: opts.signal,
    anonymous: opts.anonymous,
  });
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204 || !schema) return undefined as T;
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // The contract drifted: report it plainly instead of rendering garbage.
    console.error('Unexpected response shape', path, parsed.error.issues);
    throw new ApiError(res.status, 'BAD_RESPONSE', 'The server sent an unexpected response.');
  }
  return parsed.data;
}

/** Downloads a file (statements) with auth and hands it to the browser. */
export async function downloadFile(path: string, query: RequestOptions['query'], filename: string) {
  const res = await authedFetch(buildUrl(path, query));
  if (!res.ok) throw await toApiError(res);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

export { toApiError };
