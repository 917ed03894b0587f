/**
 * The Temporal worker: wires config and clients, registers every workflow and activity, and
 * drains in-flight tasks on SIGTERM before exiting.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDatabase, runMigrations } from '../db/client';
import { config } from '../platform/config';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { createRedis } from '../platform/redis';

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ name: 'worker', level: cfg.LOG_LEVEL, pretty: cfg.LOG_PRETTY });
  const database = createDatabase(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_SIZE });
  await runMigrations(database.db);
  const redis = createRedis(cfg.REDIS_URL);
  const producer = createKafka(cfg.KAFKA_BROKERS, `${cfg.KAFKA_CLIENT_ID}-worker`).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();

  const connection = await NativeConnection.connect({
    address: cfg.TEMPORAL_ADDRESS,
    tls: cfg.TEMPORAL_TLS || cfg.TEMPORAL_API_KEY ? {} : undefined,
    apiKey: cfg.TEMPORAL_API_KEY,
  });
  const worker = await Worker.create({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    ...(process.env.WORKFLOW_BUNDLE_PATH
      ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ db: database.db, redis, producer, config: cfg, logger }),
    shutdownGraceTime: '10s',
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down worker');
      worker.shutdown();
    });
  }
  logger.info(
    { taskQueue: cfg.TEMPORAL_TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    await producer.disconnect().catch(() => undefined);
    redis.disconnect();
    await database.close();
    await connection.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
