/**
 * The Temporal worker: wires config and clients, registers every workflow and activity, serves
 * /metrics, sweeps expired ledger holds, and drains in-flight tasks on SIGTERM before exiting.
 */
import '../platform/tracing-preload';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createLedgerService } from '../activities/ledger/ledger.service';
import { createDatabase, runMigrations } from '../db/client';
import { config } from '../platform/config';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { installMetricSources } from '../platform/metric-sources';
import { serveMetrics } from '../platform/metrics';
import { createRedis } from '../platform/redis';
import { installTemporalRuntime, temporalWorkerTelemetry } from '../platform/telemetry-temporal';
import { temporalOptionsFromConfig, temporalTls } from '../platform/temporal';
import { currentTracing } from '../platform/tracing';

const HOLD_SWEEP_INTERVAL_MS = 30_000;

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ name: 'worker', level: cfg.LOG_LEVEL, pretty: cfg.LOG_PRETTY });
  installTemporalRuntime({
    metricsBindAddress: cfg.TEMPORAL_METRICS_BIND,
    globalTags: { service: 'harbor-worker' },
  });

  const database = createDatabase(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_SIZE });
  await runMigrations(database.db);
  const redis = createRedis(cfg.REDIS_URL);
  const producer = createKafka(cfg.KAFKA_BROKERS, `${cfg.KAFKA_CLIENT_ID}-worker`).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();

  installMetricSources(database.db);
  const started: { worker?: Worker } = {};
  const metricsServer = await serveMetrics({
    port: cfg.METRICS_PORT,
    temporalMetricsUrl: `http://${cfg.TEMPORAL_METRICS_BIND}/metrics`,
    // Ready once polling; not ready again while draining on SIGTERM.
    ready: () => started.worker?.getState() === 'RUNNING',
  });

  // Holds that outlive their timeout are released here, not only when someone posts them.
  const ledger = createLedgerService(database.db);
  const sweeper = setInterval(() => {
    ledger
      .expirePendingTransfers({ limit: 500 })
      .then(
        (ids) => ids.length && logger.info({ count: ids.length }, 'expired ledger holds released'),
      )
      .catch((err: unknown) => logger.warn({ err }, 'hold expiry sweep failed; will retry'));
  }, HOLD_SWEEP_INTERVAL_MS);
  sweeper.unref();

  const temporalOpts = temporalOptionsFromConfig(cfg);
  const connection = await NativeConnection.connect({
    address: temporalOpts.address,
    tls: temporalTls(temporalOpts),
    apiKey: temporalOpts.apiKey,
  });
  const worker = await Worker.create({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    ...(cfg.WORKFLOW_BUNDLE_PATH
      ? { workflowBundle: { codePath: cfg.WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ db: database.db, redis, producer, config: cfg, logger }),
    ...(cfg.WORKER_MAX_CACHED_WORKFLOWS !== undefined && {
      maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
    }),
    ...(cfg.WORKER_MAX_CONCURRENT_ACTIVITIES !== undefined && {
      maxConcurrentActivityTaskExecutions: cfg.WORKER_MAX_CONCURRENT_ACTIVITIES,
    }),
    ...(cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined && {
      maxConcurrentWorkflowTaskExecutions: cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    }),
    ...temporalWorkerTelemetry(),
    shutdownGraceTime: '10s',
  });
  started.worker = worker;

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down worker');
      worker.shutdown();
    });
  }
  logger.info(
    {
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      namespace: cfg.TEMPORAL_NAMESPACE,
      metricsPort: cfg.METRICS_PORT,
    },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    clearInterval(sweeper);
    metricsServer.close();
    await producer.disconnect().catch(() => undefined);
    redis.disconnect();
    await database.close();
    await connection.close();
    await currentTracing()?.shutdown();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
