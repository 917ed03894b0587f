/**
 * A TransferWorkflow worker as its own process, for the crash test: real ledger and read-model
 * activities on DATABASE_URL, the test run's workflow bundle, the task queue from TASK_QUEUE.
 * ACTIVITY_DELAY_MS slows every activity before its real call (a kill then loses work not yet
 * done); ACTIVITY_DELAY_AFTER_MS after it (a kill then loses the reply of a committed write), so
 * transfers are in flight when the test kills the process. START_ON_STDIN=1 keeps a warm standby:
 * the process loads, connects and creates its worker ('worker created'), then polls only once a
 * line arrives on stdin ('worker ready'), so a restart after a kill takes no start-up time.
 *   TASK_QUEUE=q WORKFLOW_BUNDLE_PATH=... DATABASE_URL=... npx tsx test/support/transfer-worker.ts
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDatabase } from '../../db/client';
import { createRealTransferActivities } from '../transfer-real';

async function main(): Promise<void> {
  const database = createDatabase(process.env.DATABASE_URL!, { max: 10 });
  const delay = Number(process.env.ACTIVITY_DELAY_MS ?? 0);
  const delayAfter = Number(process.env.ACTIVITY_DELAY_AFTER_MS ?? 0);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const { activities } = createRealTransferActivities(database.db);
  const slowed = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        if (delay > 0) await sleep(delay);
        const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        if (delayAfter > 0) await sleep(delayAfter);
        return result;
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
  if (process.env.START_ON_STDIN === '1') {
    process.stdout.write('worker created\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
  }
  process.stdout.write('worker ready\n');
  await worker.run();
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
