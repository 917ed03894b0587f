/**
 * The setup every end-to-end transfer route test shares: the real app wired to the stack's
 * Temporal dev server on the test's own task queue, and a connected idempotent Kafka producer for
 * the worker's activities. The test runs its worker with `withWorker(env, { activities, taskQueue })`.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import { createKafka } from '../../platform/kafka';
import { workflowEnv } from '../../test/harness';
import { startTestApp, type TestApp } from './app-fixture';

export interface TransferTestApp {
  env: TestWorkflowEnvironment;
  t: TestApp;
  producer: Producer;
  close(): Promise<void>;
}

export async function startTransferTestApp(
  taskQueue: string,
  kafkaClientId: string,
): Promise<TransferTestApp> {
  const env = await workflowEnv('existing');
  const t = await startTestApp(
    {},
    {
      temporal: async () => env.client,
      config: { TEMPORAL_TASK_QUEUE: taskQueue, TRANSFER_HOLD_WAIT_MS: 60_000 },
    },
  );
  const producer = createKafka(t.config.KAFKA_BROKERS, kafkaClientId).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return {
    env,
    t,
    producer,
    close: async () => {
      await producer.disconnect();
      await t.close();
      await env.teardown();
    },
  };
}
