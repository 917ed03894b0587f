/**
 * The API process: parse config, build clients, build the app, listen; on SIGTERM/SIGINT stop
 * accepting, drain in-flight requests (close-with-grace), then close the clients.
 */
// First: tracing patches fastify, pg, ioredis and kafkajs only if it loads before them.
import '../platform/tracing-preload';
import closeWithGrace from 'close-with-grace';
import { buildApp } from '../api/app';
import { lazyTemporal } from '../api/lib/temporal-provider';
import { createDatabase } from '../db/client';
import { config } from '../platform/config';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { createRedis } from '../platform/redis';
import { temporalOptionsFromConfig } from '../platform/temporal';
import { currentTracing } from '../platform/tracing';

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ name: 'api', level: cfg.LOG_LEVEL, pretty: cfg.LOG_PRETTY });
  const database = createDatabase(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_SIZE });
  const redis = createRedis(cfg.REDIS_URL);
  const kafka = createKafka(cfg.KAFKA_BROKERS, `${cfg.KAFKA_CLIENT_ID}-api`, {
    retry: { retries: 1 },
  });
  const temporal = lazyTemporal(temporalOptionsFromConfig(cfg));

  const app = await buildApp({ config: cfg, database, redis, kafka, temporal, logger });
  // Connect to Temporal in the background; routes that need it wait for it.
  temporal().catch((err: unknown) =>
    logger.warn({ err: (err as Error).message }, 'temporal not reachable yet'),
  );

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'api crashed');
    else logger.info({ signal }, 'api shutting down');
    await app.close();
    await temporal.close().catch(() => undefined);
    redis.disconnect();
    await database.close();
    await currentTracing()?.shutdown();
  });

  await app.listen({ host: cfg.API_HOST, port: cfg.API_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
