/**
 * Client-side helpers for the TransferWorkflow, used by the API (and tests):
 * - `startTransfer`: idempotent update-with-start. The same transfer id always reaches the same
 *   workflow (id = workflowIds.transfer(transferId); conflict policy USE_EXISTING for a running
 *   one, reuse policy REJECT_DUPLICATE so a closed one is never started again), then waits
 *   briefly for the hold outcome through the `waitForHold` Workflow Update.
 * - `cancelTransfer`, `approveTransfer`, `rejectTransfer`, `retryTransfer`, `getTransferStatus`:
 *   Workflow Updates/Query with refusals mapped to DomainError codes (CANNOT_CANCEL, INVALID_STATE).
 */
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, isErrorCode } from '../../domain/errors';
import { workflowIds } from '../../domain/ids';
import { TASK_QUEUE } from '../../domain/transfer';
import { initialTransferSnapshot } from '../../domain/transfer-snapshot';
import type { TransferWorkflowOptions, transferWorkflow } from '../../workflows/transfer.workflow';
import {
  TRANSFER_WORKFLOW_KIND,
  approveTransferUpdate,
  cancelTransferUpdate,
  rejectTransferUpdate,
  retryTransferUpdate,
  transferSearchAttributes as SA,
  transferStatusQuery,
  waitForHoldUpdate,
  type ActorInput,
  type TransferInput,
  type TransferSnapshot,
} from '../../workflows/transfer.messages';

export type StartTransferStatus = 'HELD' | 'REFUSED' | 'PENDING';

export interface StartTransferResult {
  /** HELD: funds held (FUNDS_HELD, AWAITING_REVIEW or beyond). REFUSED: ended before a hold
   *  (e.g. INSUFFICIENT_FUNDS; see `transfer.failureCode`). PENDING: not known within `waitMs`. */
  status: StartTransferStatus;
  transfer: TransferSnapshot;
  workflowId: string;
}

export interface StartTransferOptions {
  /** How long to wait for the hold outcome. Default 5 s. */
  waitMs?: number;
  taskQueue?: string;
  /** Extra workflow input (tests: a small retry budget). */
  workflowOptions?: TransferWorkflowOptions;
}

/** Whether a snapshot shows the funds held, or the transfer refused before any hold. */
export function holdStatusOf(transfer: TransferSnapshot): StartTransferStatus {
  const everHeld = transfer.timeline.some((t) => t.status === 'FUNDS_HELD');
  if (everHeld) return 'HELD';
  if (['CANCELLED', 'REJECTED', 'FAILED'].includes(transfer.status)) return 'REFUSED';
  return 'PENDING';
}

export async function startTransfer(
  client: Client,
  input: TransferInput,
  options: StartTransferOptions = {},
): Promise<StartTransferResult> {
  const workflowId = workflowIds.transfer(input.transferId);
  const waitMs = options.waitMs ?? 5_000;
  const amount = Number(input.amount);
  const startOp = new WithStartWorkflowOperation<typeof transferWorkflow>('transferWorkflow', {
    workflowId,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [{ ...input, ...options.workflowOptions }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: SA.workflowKind, value: TRANSFER_WORKFLOW_KIND },
      { key: SA.customerId, value: input.customerId },
      { key: SA.accountId, value: input.fromAccountId },
      { key: SA.status, value: 'PENDING' },
      ...(Number.isSafeInteger(amount) ? [{ key: SA.amountMinor, value: amount }] : []),
    ],
  });

  const update = client.workflow.executeUpdateWithStart(waitForHoldUpdate, {
    startWorkflowOperation: startOp,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  try {
    const outcome = await Promise.race([update, timeout]);
    if (outcome !== 'timeout')
      return { status: holdStatusOf(outcome), transfer: outcome, workflowId };
  } catch (err) {
    // The workflow already ran and closed (REJECT_DUPLICATE, or it finished before the update
    // landed): its result is the final snapshot.
    if (
      !(err instanceof WorkflowExecutionAlreadyStartedError) &&
      (await isClosed(handleFor(client, input.transferId))) !== true
    ) {
      throw err;
    }
    const transfer = await client.workflow.getHandle<typeof transferWorkflow>(workflowId).result();
    return { status: holdStatusOf(transfer), transfer, workflowId };
  } finally {
    clearTimeout(timer);
  }
  update.catch(() => undefined); // still running in the background; its outcome is not needed
  // The update-with-start may still be in flight: make sure the workflow exists before answering
  // PENDING (an idempotent start: USE_EXISTING while running, REJECT_DUPLICATE once closed).
  await client.workflow
    .start<typeof transferWorkflow>('transferWorkflow', {
      ...startOp.options,
      workflowIdConflictPolicy: 'USE_EXISTING',
    })
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  const transfer = await getTransferStatus(client, input.transferId, { timeoutMs: 2_000 }).catch(
    () => pendingSnapshot(input, workflowId),
  );
  return { status: holdStatusOf(transfer), transfer, workflowId };
}

/** What the API can say about a transfer whose workflow did not answer yet. */
function pendingSnapshot(input: TransferInput, workflowId: string): TransferSnapshot {
  return initialTransferSnapshot(input, workflowId, new Date().toISOString(), 0);
}

function handleFor(client: Client, transferId: string): WorkflowHandle<typeof transferWorkflow> {
  return client.workflow.getHandle<typeof transferWorkflow>(workflowIds.transfer(transferId));
}

/** The live snapshot (query); for a closed workflow, its result. */
export async function getTransferStatus(
  client: Client,
  transferId: string,
  options: { timeoutMs?: number } = {},
): Promise<TransferSnapshot> {
  const handle = handleFor(client, transferId);
  const run = async () => {
    try {
      return await handle.query(transferStatusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new DomainError('TRANSFER_NOT_FOUND', 'Transfer not found', { transferId });
      }
      throw err;
    }
  };
  return options.timeoutMs ? client.withDeadline(Date.now() + options.timeoutMs, run) : run();
}

async function sendUpdate(
  client: Client,
  transferId: string,
  def: typeof cancelTransferUpdate,
  req: ActorInput,
  closedCode: 'CANNOT_CANCEL' | 'INVALID_STATE',
): Promise<TransferSnapshot> {
  const handle = handleFor(client, transferId);
  try {
    return await handle.executeUpdate(def, { args: [req] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const code = err.cause.type;
      throw new DomainError(isErrorCode(code) ? code : 'INVALID_STATE', err.cause.message, {
        transferId,
      });
    }
    const closed = await isClosed(handle);
    if (closed === 'missing')
      throw new DomainError('TRANSFER_NOT_FOUND', 'Transfer not found', { transferId });
    if (closed) {
      const final = await handle.result();
      if (def === cancelTransferUpdate && final.status === 'CANCELLED') return final;
      throw new DomainError(closedCode, `The transfer is already ${final.status}`, { transferId });
    }
    throw err;
  }
}

/** Whether the workflow has closed ('missing' if there is none). */
async function isClosed(handle: WorkflowHandle): Promise<boolean | 'missing'> {
  try {
    const d = await handle.describe();
    return d.status.name !== 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'missing';
    throw err;
  }
}

/** Cancel: allowed until POSTING starts; else DomainError CANNOT_CANCEL with the reason. */
export function cancelTransfer(
  client: Client,
  transferId: string,
  req: ActorInput,
): Promise<TransferSnapshot> {
  return sendUpdate(client, transferId, cancelTransferUpdate, req, 'CANNOT_CANCEL');
}
export function approveTransfer(
  client: Client,
  transferId: string,
  req: ActorInput,
): Promise<TransferSnapshot> {
  return sendUpdate(client, transferId, approveTransferUpdate, req, 'INVALID_STATE');
}
export function rejectTransfer(
  client: Client,
  transferId: string,
  req: ActorInput,
): Promise<TransferSnapshot> {
  return sendUpdate(client, transferId, rejectTransferUpdate, req, 'INVALID_STATE');
}
/** Support: re-run the step parked in NEEDS_ATTENTION. */
export function retryTransfer(
  client: Client,
  transferId: string,
  req: ActorInput,
): Promise<TransferSnapshot> {
  return sendUpdate(client, transferId, retryTransferUpdate, req, 'INVALID_STATE');
}
