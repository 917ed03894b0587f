/**
 * KycWorkflow: one application attempt of one customer.
 *
 *   PENDING ── automated checks ──▶ APPROVED | REJECTED (with reasons)
 *                     └──▶ IN_REVIEW ── support approve/reject (update) ──▶ APPROVED | REJECTED
 *                              └── no decision after `escalateAfterSeconds`: notify support, keep waiting
 *
 * Status lives in Postgres (`kyc_applications`, `customers.kyc_status`), written by activities.
 * Support decisions are audited (who, when, why). Events: kyc.submitted / approved / rejected.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventActivities } from '../activities/events/events.activities';
import type { KycActivities } from '../activities/kyc/kyc.activities';
import { eventId } from '../domain/ids';
import {
  DEFAULT_KYC_ESCALATE_AFTER_SECONDS,
  kycDecisionUpdate,
  kycStatusQuery,
  type KycDecisionInput,
  type KycState,
  type KycWorkflowInput,
} from './kyc.messages';

const kyc = proxyActivities<KycActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['VALIDATION_FAILED', 'NOT_FOUND'],
  },
});
const events = proxyActivities<Pick<EventActivities, 'publishEvents'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function kycWorkflow(input: KycWorkflowInput): Promise<KycState> {
  const wfId = workflowInfo().workflowId;
  const step = (name: string) => eventId(`${wfId}:${input.attempt}`, name);
  const now = () => new Date().toISOString();
  const state: KycState = {
    customerId: input.customerId,
    applicationId: input.applicationId,
    attempt: input.attempt,
    status: 'PENDING',
    reasons: [],
    screening: null,
    escalated: false,
    decision: null,
    updatedAt: now(),
  };
  let pendingDecision: KycDecisionInput | undefined;

  setHandler(kycStatusQuery, () => state);
  setHandler(
    kycDecisionUpdate,
    async (decision) => {
      pendingDecision = decision;
      await condition(() => state.status === 'APPROVED' || state.status === 'REJECTED');
      return state;
    },
    {
      validator: (decision) => {
        if (state.status !== 'IN_REVIEW' || pendingDecision) {
          throw ApplicationFailure.create({
            type: 'INVALID_STATE',
            message: `KYC is ${state.status}, not awaiting review`,
            nonRetryable: true,
          });
        }
        if (decision.decision !== 'APPROVE' && decision.decision !== 'REJECT') {
          throw ApplicationFailure.create({
            type: 'VALIDATION_FAILED',
            message: 'decision must be APPROVE or REJECT',
          });
        }
        if (!decision.reason?.trim() || !decision.actor) {
          throw ApplicationFailure.create({
            type: 'VALIDATION_FAILED',
            message: 'actor and reason are required',
          });
        }
      },
    },
  );

  await events.publishEvents([
    {
      id: step('submitted'),
      type: 'kyc.submitted',
      subject: input.customerId,
      dataVersion: 1,
      data: {
        customerId: input.customerId,
        applicationId: input.applicationId,
        attempt: input.attempt,
      },
      time: now(),
    },
  ]);

  // 1. Automated checks (age on workflow time, documents, sanctions/PEP, country).
  const checks = await kyc.kycRunChecks({ applicationId: input.applicationId, at: now() });
  state.screening = checks.screening;
  state.reasons = checks.reasons;

  let outcome: 'APPROVED' | 'REJECTED';
  let decidedBy: { actor: string; actorRoles?: string[]; reason: string } | null = null;
  if (checks.decision === 'APPROVE') outcome = 'APPROVED';
  else if (checks.decision === 'REJECT') outcome = 'REJECTED';
  else {
    // 2. Human review, escalating once if nobody decides in time, then waiting on.
    // The workflow is in review from here on: a decision that races the status write below
    // (support sees IN_REVIEW in Postgres before this task completes) is accepted, not refused.
    state.status = 'IN_REVIEW';
    state.updatedAt = now();
    await kyc.kycSetStatus({
      applicationId: input.applicationId,
      status: 'IN_REVIEW',
      reasons: state.reasons,
    });
    const escalateAfter = (input.escalateAfterSeconds ?? DEFAULT_KYC_ESCALATE_AFTER_SECONDS) * 1000;
    if (!(await condition(() => pendingDecision !== undefined, escalateAfter))) {
      state.escalated = true;
      state.updatedAt = now();
      await kyc.kycEscalate({
        applicationId: input.applicationId,
        customerId: input.customerId,
        noticeId: step('escalated'),
        waitingSeconds: Math.round(escalateAfter / 1000),
      });
      await condition(() => pendingDecision !== undefined);
    }
    const d = pendingDecision!;
    outcome = d.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    if (outcome === 'REJECTED') state.reasons = [...state.reasons, 'REJECTED_BY_REVIEW'];
    decidedBy = { actor: d.actor, actorRoles: d.actorRoles, reason: d.reason };
    state.decision = { decision: d.decision, actor: d.actor, reason: d.reason, at: now() };
  }

  // 3. Record the outcome (status + audit of a human decision), then tell the world.
  await kyc.kycRecordDecision({
    applicationId: input.applicationId,
    status: outcome,
    reasons: state.reasons,
    decidedBy,
  });
  state.status = outcome;
  state.updatedAt = now();
  await events.publishEvents([
    {
      id: step(outcome === 'APPROVED' ? 'approved' : 'rejected'),
      type: outcome === 'APPROVED' ? 'kyc.approved' : 'kyc.rejected',
      subject: input.customerId,
      dataVersion: 1,
      data: {
        customerId: input.customerId,
        applicationId: input.applicationId,
        attempt: input.attempt,
        reasons: state.reasons,
      },
      time: now(),
    },
  ]);
  await kyc.kycNotifyCustomer({
    noticeId: step('outcome-notice'),
    customerId: input.customerId,
    template: outcome === 'APPROVED' ? 'kyc.approved' : 'kyc.rejected',
    data: { attempt: input.attempt, reasons: state.reasons },
  });
  await condition(allHandlersFinished);
  return state;
}
