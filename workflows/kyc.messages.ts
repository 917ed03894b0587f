/**
 * The KycWorkflow's contract: input, state, the support decision update and the status query.
 * One workflow run per application attempt, with the id `workflowIds.kyc(customerId)`: a
 * resubmission after a rejection starts a new run (new attempt) under the same id, and the
 * previous runs and their rows in `kyc_applications` are kept. Workflow-safe.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type KycWorkflowStatus = 'PENDING' | 'IN_REVIEW' | 'APPROVED' | 'REJECTED';

export interface KycWorkflowInput {
  customerId: string;
  /** The `kyc_applications` row: PII stays in Postgres, the workflow carries only the id. */
  applicationId: string;
  attempt: number;
  /** Seconds in IN_REVIEW without a decision before support is notified. Default 48 h. */
  escalateAfterSeconds?: number;
}

export interface KycDecisionInput {
  decision: 'APPROVE' | 'REJECT';
  /** usr_… of the support agent. */
  actor: string;
  actorRoles?: string[];
  reason: string;
}

export interface KycScreeningSummary {
  score: number;
  list: 'SANCTIONS' | 'PEP' | null;
  matchedEntryId: string | null;
}

export interface KycState {
  customerId: string;
  applicationId: string;
  attempt: number;
  status: KycWorkflowStatus;
  reasons: string[];
  screening: KycScreeningSummary | null;
  escalated: boolean;
  decision: { decision: 'APPROVE' | 'REJECT'; actor: string; reason: string; at: string } | null;
  updatedAt: string;
}

/** Support's decision. Only in IN_REVIEW (else INVALID_STATE). Returns the state after it. */
export const kycDecisionUpdate = defineUpdate<KycState, [KycDecisionInput]>('kycDecision');
export const kycStatusQuery = defineQuery<KycState>('kycStatus');

export const DEFAULT_KYC_ESCALATE_AFTER_SECONDS = 48 * 3600;
