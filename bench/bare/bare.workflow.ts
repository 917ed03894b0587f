/**
 * The orchestration baseline: a workflow that runs the same activity "shape" as a transfer
 * (the same number of activities, in the same batches of concurrently scheduled ones), each
 * activity a no-op. Whatever a transfer costs beyond this is our code, not Temporal.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

export interface BareActivities {
  noop(step: number): Promise<number>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '15 seconds' });
const local = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '15 seconds' });

/**
 * `plan[i]` activities are scheduled together, then awaited, before batch i+1; `localPlan[i]` of
 * them (default none) run as local activities, the rest as regular ones.
 */
export async function bareWorkflow(plan: number[], localPlan: number[] = []): Promise<number> {
  let done = 0;
  for (const [b, size] of plan.entries()) {
    const locals = Math.min(localPlan[b] ?? 0, size);
    const batch: Promise<number>[] = [];
    for (let i = 0; i < size; i++) batch.push(i < locals ? local.noop(done + i) : noop(done + i));
    await Promise.all(batch);
    done += size;
  }
  return done;
}
