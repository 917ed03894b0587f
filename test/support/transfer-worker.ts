/**
 * A TransferWorkflow worker as its own process, for the crash test: real ledger and read-model
 * activities on DATABASE_URL, the test run's workflow bundle, the task queue from TASK_QUEUE.
 * ACTIVITY_DELAY_MS slows every activity so transfers are in flight when the test kills it.
 *   TASK_QUEUE=q WORKFLOW_BUNDLE_PATH=... DATABASE_URL=... npx tsx test/support/transfer-worker.ts
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDatabase } from '../../db/client';
import { createRealTransferActivities } from '../transfer-real';

async function main(): Promise<void> {
  const database = createDatabase(process.env.DATABASE_URL!, { max: 10 });
  const delay = Number(process.env.ACTIVITY_DELAY_MS ?? 0);
  const { activities } = createRealTransferActivities(database.db);
  const slowed = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  );
  const connection = await NativeConnection.connect({
    address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TASK_QUEUE!,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
    activities: slowed,
    stickyQueueScheduleToStartTimeout: '2 seconds',
  });
  process.stdout.write('worker ready\n');
  await worker.run();
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
