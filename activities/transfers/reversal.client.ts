/**
 * Client side of the TransferReversalWorkflow (used by the support API and tests). One workflow id
 * per transfer: USE_EXISTING joins a reversal already running; a closed one may run again (after a
 * refusal such as INSUFFICIENT_FUNDS), and every step of a rerun is keyed by the transfer id, so
 * money moves at most once.
 */
import type { Client } from '@temporalio/client';
import { DomainError } from '../../domain/errors';
import { workflowIds } from '../../domain/ids';
import { TASK_QUEUE } from '../../domain/transfer';
import {
  TRANSFER_REVERSAL_WORKFLOW_KIND,
  type TransferReversalResult,
  type transferReversalWorkflow,
} from '../../workflows/transfer-reversal.workflow';
import { transferSearchAttributes as SA, type ActorInput } from '../../workflows/transfer.messages';

export interface ReverseTransferOptions {
  taskQueue?: string;
  /** How long to wait for the outcome before answering that it is still running. Default 10 s. */
  waitMs?: number;
}

export type ReverseTransferOutcome =
  | { state: 'REVERSED'; result: TransferReversalResult; workflowId: string }
  | { state: 'RUNNING'; workflowId: string };

/** Starts (or joins) the reversal and waits for it; a refusal throws its DomainError code. */
export async function reverseTransfer(
  client: Client,
  transferId: string,
  req: ActorInput,
  options: ReverseTransferOptions = {},
): Promise<ReverseTransferOutcome> {
  const workflowId = workflowIds.transferReversal(transferId);
  const handle = await client.workflow.start<typeof transferReversalWorkflow>(
    'transferReversalWorkflow',
    {
      workflowId,
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      args: [{ transferId, actor: req.actor, reason: req.reason }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [{ key: SA.workflowKind, value: TRANSFER_REVERSAL_WORKFLOW_KIND }],
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.waitMs ?? 10_000);
  });
  const result = handle.result();
  try {
    const outcome = await Promise.race([result, timeout]);
    if (outcome === 'timeout') {
      result.catch(() => undefined);
      return { state: 'RUNNING', workflowId };
    }
    if (outcome.status === 'REFUSED') {
      throw new DomainError(outcome.failureCode ?? 'INVALID_STATE', outcome.message ?? 'Refused', {
        transferId,
      });
    }
    return { state: 'REVERSED', result: outcome, workflowId };
  } finally {
    clearTimeout(timer);
  }
}
