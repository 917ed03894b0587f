/**
 * The workflow test harness. A test asks for an environment, then runs a real worker against it
 * with the activities it wants (real ones bound to test clients, or stubs):
 *
 *   const env = await workflowEnv('existing');          // the stack's dev server (fastest)
 *   await withWorker(env, { activities }, async (taskQueue) => {
 *     const result = await env.client.workflow.execute(transferWorkflow, { taskQueue, ... });
 *   });
 *   await env.teardown();
 *
 * Kinds:
 * - 'existing': the stack's running dev server (TEMPORAL_ADDRESS). Real persistence, real search
 *   attributes, no time skipping. Workflows are isolated by a unique task queue per worker.
 * - 'local': a fresh dev server from the Temporal CLI binary the stack built
 *   (createLocal + existing-path), with our search attributes registered.
 * - 'time-skipping': the Java test server from Maven Central, wrapped as an executable by the
 *   stack (createTimeSkipping + existing-path). Timers fire instantly while the test waits on a
 *   result, so month-long schedules run in seconds.
 *
 * Workflows are bundled once per `jest` run by test/global-setup.ts; every worker here reuses it.
 */
import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, Runtime, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import { workflowBundlePath, TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH } from './paths';

export type EnvKind = 'existing' | 'local' | 'time-skipping';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier call in this process.
  }
}

export const SEARCH_ATTRIBUTE_KEYS = [
  defineSearchAttributeKey('TransferStatus', 'KEYWORD'),
  defineSearchAttributeKey('CustomerId', 'KEYWORD'),
  defineSearchAttributeKey('AccountId', 'KEYWORD'),
  defineSearchAttributeKey('AmountMinor', 'INT'),
  defineSearchAttributeKey('WorkflowKind', 'KEYWORD'),
];

export async function workflowEnv(kind: EnvKind = 'existing'): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  switch (kind) {
    case 'existing':
      return TestWorkflowEnvironment.createFromExistingServer({
        address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
        namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      });
    case 'local':
      return TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: TEMPORAL_CLI_PATH },
          searchAttributes: SEARCH_ATTRIBUTE_KEYS,
        },
      });
    case 'time-skipping':
      return TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER_PATH } },
      });
  }
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * Runs `fn` while a worker polls a fresh task queue, then shuts the worker down.
 * `activities` are whatever the test wants: real activities bound to test clients, or stubs.
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  options: { activities?: object; taskQueue?: string } & Partial<WorkerOptions>,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = options.taskQueue ?? uniqueTaskQueue();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    workflowBundle: { codePath: workflowBundlePath() },
    ...options,
    taskQueue,
  });
  return worker.runUntil(fn(taskQueue));
}
