/**
 * Worker for the orchestration baseline: bareWorkflow and a no-op activity on the task queue
 * TEMPORAL_TASK_QUEUE, with the same worker options as bin/worker.ts's defaults. Ready when it
 * prints "bare worker started".
 */
import { NativeConnection, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({
    address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-bare',
    workflowsPath: require.resolve('./bare.workflow'),
    activities: { noop: async (step: number) => step },
    shutdownGraceTime: '5s',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => worker.shutdown());
  console.log('bare worker started');
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
