/**
 * A deliberately non-deterministic edit of the TransferWorkflow, for the replay test: it adds a
 * timer before the saga starts without a `patched()` guard, exactly the kind of change that would
 * break transfers in flight. Replaying the recorded histories against it must fail.
 */
import { sleep } from '@temporalio/workflow';
import { transferWorkflow as current } from '../../workflows/transfer.workflow';

export async function transferWorkflow(
  ...args: Parameters<typeof current>
): ReturnType<typeof current> {
  await sleep('1 second');
  return current(...args);
}
