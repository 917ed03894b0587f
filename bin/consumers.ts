/**
 * `npm run consumers`: the event consumers (notifications, account-summary read model) in their
 * Kafka consumer groups, plus the notification delivery retry loop. Graceful shutdown on
 * SIGINT/SIGTERM: stop consuming (offsets of finished messages are committed), finish the retry
 * pass, close clients.
 *
 *   npm run consumers                      # run
 *   npm run consumers -- rebuild-summaries # rebuild the read model from the transactions topic
 *
 * GET /metrics (consumer lag, Kafka publish errors), /health and /ready on CONSUMERS_METRICS_PORT.
 */
// First: tracing patches pg and kafkajs only if it loads before them.
import '../platform/tracing-preload';
import { createDatabase, runMigrations } from '../db/client';
import { config } from '../platform/config';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { serveMetrics } from '../platform/metrics';
import { currentTracing } from '../platform/tracing';
import { channelsFromConfig } from '../activities/notify/notify.activities';
import { createNotificationService } from '../activities/notify/notification.service';
import {
  accountSummaryHandler,
  rebuildAccountSummaries,
} from '../consumers/account-summary.consumer';
import { notificationsHandler, startDeliveryRetries } from '../consumers/notifications.consumer';
import { startConsumer, type RunningConsumer } from '../consumers/runtime';

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ name: 'consumers', level: cfg.LOG_LEVEL, pretty: cfg.LOG_PRETTY });
  const database = createDatabase(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_SIZE });
  await runMigrations(database.db);
  const kafka = createKafka(cfg.KAFKA_BROKERS, `${cfg.KAFKA_CLIENT_ID}-consumers`);

  if (process.argv[2] === 'rebuild-summaries') {
    const result = await rebuildAccountSummaries({ kafka, db: database.db });
    logger.info(result, 'account summaries rebuilt');
    await database.close();
    return;
  }

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const service = createNotificationService({
    db: database.db,
    logger,
    ...channelsFromConfig(cfg),
  });
  const deps = { kafka, db: database.db, producer, logger };
  // A second deployment on the same Kafka (e.g. a chaos run) needs its own consumer groups.
  const groupPrefix = process.env.KAFKA_GROUP_PREFIX ?? 'harbor';
  const running: RunningConsumer[] = [
    await startConsumer(deps, notificationsHandler({ db: database.db, service }), {
      groupId: `${groupPrefix}-notifications`,
    }),
    await startConsumer(deps, accountSummaryHandler(), {
      groupId: `${groupPrefix}-account-summary`,
    }),
  ];
  const stopRetries = startDeliveryRetries(service, logger);
  let stopping = false;
  const metricsServer = await serveMetrics({
    port: cfg.CONSUMERS_METRICS_PORT,
    ready: () => !stopping,
  });
  logger.info({ metricsPort: cfg.CONSUMERS_METRICS_PORT }, 'consumers started');

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down consumers');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, 20_000);
    try {
      await Promise.all(running.map((r) => r.stop()));
      await stopRetries();
      await producer.disconnect();
      await database.close();
      metricsServer.close();
      await currentTracing()?.shutdown();
      logger.info('consumers stopped');
    } finally {
      clearTimeout(timer);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutdown(signal));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
