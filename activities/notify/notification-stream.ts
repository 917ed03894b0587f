/**
 * Live in-app notifications: one Postgres LISTEN connection per process fans NOTIFY payloads
 * (sent on commit by notification.service.ts) out to subscribers by customer id, e.g. the API's SSE
 * stream. Reconnects after a connection loss.
 */
import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Logger } from '../../platform/logger';
import { NOTIFY_CHANNEL } from './notification.service';

export interface NotificationSignal {
  id: string;
  customerId: string;
}

export interface NotificationStream {
  subscribe(customerId: string, listener: (signal: NotificationSignal) => void): () => void;
  /** Resolves once LISTEN is active. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createNotificationStream(databaseUrl: string, logger?: Logger): NotificationStream {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: Client | undefined;
  let closed = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  const connect = async (): Promise<void> => {
    const c = new Client({ connectionString: databaseUrl });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel !== NOTIFY_CHANNEL || !msg.payload) return;
      try {
        const signal = JSON.parse(msg.payload) as NotificationSignal;
        emitter.emit(signal.customerId, signal);
      } catch {
        // not ours
      }
    });
    const retry = () => {
      if (closed) return;
      c.removeAllListeners();
      setTimeout(() => void connect().catch(() => retry()), 1000);
    };
    c.on('error', (err) => {
      logger?.warn({ err: err.message }, 'notification stream connection lost');
      retry();
    });
    await c.connect();
    await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
    resolveReady();
  };
  void connect().catch((err: unknown) => {
    logger?.warn({ err: String(err) }, 'notification stream could not connect');
  });

  return {
    ready,
    subscribe(customerId, listener) {
      emitter.on(customerId, listener);
      return () => emitter.off(customerId, listener);
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      await client?.end().catch(() => undefined);
    },
  };
}
