import Redis from 'ioredis';

export function createRedis(url: string, opts: { lazy?: boolean } = {}): Redis {
  return new Redis(url, {
    lazyConnect: opts.lazy ?? false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands issued in the same tick (one per concurrent request: rate limits, idempotency
    // keys) go out in one write: fewer syscalls in this process and in Redis under load.
    enableAutoPipelining: true,
  });
}

export type { Redis };
