import { proxyActivities } from '@temporalio/workflow';
import type { SmokeActivities } from '../activities/smoke/smoke.activities';

const { echo } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '10 seconds' });

/** The smallest end-to-end check that a worker runs workflows and activities. */
export async function smokeWorkflow(message: string): Promise<string> {
  return echo(message);
}
