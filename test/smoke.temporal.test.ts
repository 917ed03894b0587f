import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSmokeActivities } from '../activities/smoke/smoke.activities';
import { smokeWorkflow } from '../workflows';
import { workflowEnv, withWorker } from './harness';

describe('Temporal smoke', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await workflowEnv('existing');
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow started through the client on a real worker', async () => {
    const result = await withWorker(env, { activities: createSmokeActivities() }, (taskQueue) =>
      env.client.workflow.execute(smokeWorkflow, {
        taskQueue,
        workflowId: `smoke-${Date.now()}-${Math.random().toString(36).slice(2)}`,
        args: ['hello'],
      }),
    );
    expect(result).toBe('echo: hello');
  });
});
