/**
 * The HTTP client a chaos scenario drives the API with, behaving like a careful real client:
 * every creating POST carries an Idempotency-Key, and the SAME key is re-sent after a connection
 * error, a timeout, a 5xx, a 429 or a 409 REQUEST_IN_PROGRESS (the server may have acted on the
 * first attempt: the key makes the retry safe), until a final answer or the deadline.
 */
import { randomUUID } from 'node:crypto';
import { sleep } from './wait';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  replayed: boolean;
  /** Attempts it took (1 = first try). */
  attempts: number;
}

export interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

export interface TransferBody extends ErrorBody {
  id?: string;
  status?: string;
  failureCode?: string | null;
}

export interface CallOptions {
  idempotencyKey?: string;
  /** Give up (throw) after this long. Default 5 minutes. */
  deadlineMs?: number;
  /** Per-attempt timeout. Default 20 s. */
  attemptTimeoutMs?: number;
  /** Retry transient failures (default true). */
  retry?: boolean;
}

export class ApiClient {
  /** Transient failures seen and retried, by kind (connection error, 503, 409 …). */
  readonly retries = new Map<string, number>();

  constructor(
    readonly baseUrl: string,
    private token?: string,
  ) {}

  withToken(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  private countRetry(kind: string): void {
    this.retries.set(kind, (this.retries.get(kind) ?? 0) + 1);
  }

  async call<T = unknown>(
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const deadline = Date.now() + (options.deadlineMs ?? 300_000);
    const key = method === 'POST' ? (options.idempotencyKey ?? randomUUID()) : undefined;
    let backoff = 200;
    for (let attempt = 1; ; attempt++) {
      let transient: string | undefined;
      try {
        const res = await fetch(`${this.baseUrl}/api/v1${route}`, {
          method,
          headers: {
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 20_000),
        });
        const text = await res.text();
        const parsed = (text ? JSON.parse(text) : {}) as T & ErrorBody;
        const code = parsed.error?.code;
        if (res.status >= 500) transient = `http ${res.status}`;
        else if (res.status === 429) transient = 'http 429';
        else if (res.status === 409 && code === 'REQUEST_IN_PROGRESS') transient = 'in progress';
        else
          return {
            status: res.status,
            body: parsed,
            replayed: res.headers.get('idempotent-replayed') === 'true',
            attempts: attempt,
          };
      } catch (err) {
        const e = err as { name?: string; cause?: { code?: string } };
        transient = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? 'connection error');
      }
      if (options.retry === false || Date.now() > deadline) {
        throw new Error(`${method} ${route}: gave up after ${attempt} attempts (${transient})`);
      }
      this.countRetry(transient);
      await sleep(backoff + Math.floor(Math.random() * backoff));
      backoff = Math.min(backoff * 2, 3_000);
    }
  }

  get<T = unknown>(route: string, options?: CallOptions) {
    return this.call<T>('GET', route, undefined, options);
  }

  post<T = unknown>(route: string, body: unknown, options?: CallOptions) {
    return this.call<T>('POST', route, body, options);
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.post<{ accessToken?: string } & ErrorBody>('/auth/login', {
      email,
      password,
    });
    if (res.status !== 200 || !res.body.accessToken) {
      throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body.accessToken;
  }
}

/** The transfer id a POST /transfers answer names (201/202 body, or 4xx details). */
export function transferIdOf(res: ApiResponse<TransferBody>): string | undefined {
  if (res.body.id) return res.body.id;
  const d = res.body.error?.details;
  return typeof d?.transferId === 'string' ? d.transferId : undefined;
}
