/**
 * Notifications consumer: maps events to templates and recipients (activities/notify), creates the
 * notifications and their per-channel deliveries inside the dedupe transaction (in-app is pushed
 * by NOTIFY on commit), then sends email/SMS after the commit. A background loop retries failed
 * deliveries with backoff (`startDeliveryRetries`).
 */
import type { Db } from '../db/client';
import { TOPICS } from '../domain/events';
import type { Logger } from '../platform/logger';
import { notificationsForEvent } from '../activities/notify/event-notifications';
import type { NotificationService } from '../activities/notify/notification.service';
import type { EventHandler } from './runtime';

export const NOTIFICATIONS_CONSUMER = 'notifications';

export function notificationsHandler(deps: { db: Db; service: NotificationService }): EventHandler {
  const created = new Map<string, string[]>();
  return {
    name: NOTIFICATIONS_CONSUMER,
    topics: [
      TOPICS.transactions,
      TOPICS.fraud,
      TOPICS.customers,
      TOPICS.accounts,
      TOPICS.scheduledPayments,
    ],
    async apply(received, tx) {
      const requests = await notificationsForEvent(deps.db, received);
      const ids: string[] = [];
      for (const r of requests) {
        if (await deps.service.create(tx, r)) ids.push(r.id);
      }
      created.set(received.event.id, ids);
    },
    async afterCommit(received) {
      const ids = created.get(received.event.id) ?? [];
      created.delete(received.event.id);
      if (ids.length > 0) await deps.service.deliverDue({ ids });
    },
  };
}

/** Retries due deliveries every `intervalMs`. Returns a stop function. */
export function startDeliveryRetries(
  service: NotificationService,
  logger: Logger,
  intervalMs = 5_000,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    running = service
      .deliverDue()
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'delivery retry pass failed'));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
