/**
 * /api/v1/support: the KYC review queue with approve/reject (a Workflow Update on the customer's
 * KycWorkflow; the decision is audited by the workflow: who, when, why), and account freeze /
 * unfreeze (an AccountLifecycleWorkflow: ledger status + audit + account.frozen/unfrozen event).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { changeAccountStatus } from '../../activities/accounts/accounts.service';
import { decideKyc, listKycQueue } from '../../activities/kyc/kyc.service';
import { workflowIds } from '../../domain/ids';
import { temporalClient, workflowUrl } from '../lib/temporal';
import { principalOf } from '../plugins/access';
import { errors, Id, IdParams, Page, PageQuery, ReasonBody } from '../schemas/common';
import { KycAttemptView } from './kyc.routes';

const staff = ['support', 'ops'] as const;

const KycStateView = Type.Object({
  customerId: Type.String(),
  applicationId: Type.String(),
  attempt: Type.Integer(),
  status: Type.String(),
  reasons: Type.Array(Type.String()),
  escalated: Type.Boolean(),
  temporalUrl: Type.String(),
});

const LifecycleView = Type.Object({
  accountId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  changed: Type.Boolean(),
});

const supportKycRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const { config } = app.deps;

  app.get(
    '/support/kyc',
    {
      config: { access: { roles: staff } },
      schema: {
        tags: ['support'],
        summary: 'KYC review queue',
        description:
          'Applications by status (default IN_REVIEW), oldest first, with escalation flags.',
        querystring: Type.Object(
          {
            ...PageQuery,
            status: Type.Optional(
              Type.Union([
                Type.Literal('PENDING'),
                Type.Literal('IN_REVIEW'),
                Type.Literal('APPROVED'),
                Type.Literal('REJECTED'),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Page(Type.Object({ ...KycAttemptView.properties, temporalUrl: Type.String() })),
        },
      },
    },
    async (request) => {
      const page = await listKycQueue(db, {
        status: request.query.status ?? 'IN_REVIEW',
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return {
        items: page.items.map((i) => ({ ...i, temporalUrl: workflowUrl(app, i.workflowId) })),
        nextCursor: page.nextCursor,
      };
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/support/kyc/:customerId/${decision}`,
      {
        config: { access: { roles: staff, resource: { kind: 'customer', param: 'customerId' } } },
        schema: {
          tags: ['support'],
          summary:
            decision === 'approve'
              ? 'Approve a KYC application in review'
              : 'Reject a KYC application in review',
          description:
            'A `reason` is required and audited. 409 INVALID_STATE when nothing awaits review.',
          params: Type.Object({ customerId: Id() }, { additionalProperties: false }),
          body: ReasonBody,
          response: { 200: KycStateView, ...errors(409, 503) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const temporal = await temporalClient(app);
        const state = await decideKyc({ db, temporal }, request.params.customerId, {
          decision: decision === 'approve' ? 'APPROVE' : 'REJECT',
          actor: p.userId,
          actorRoles: p.roles,
          reason: request.body.reason,
        });
        return {
          customerId: state.customerId,
          applicationId: state.applicationId,
          attempt: state.attempt,
          status: state.status,
          reasons: state.reasons,
          escalated: state.escalated,
          temporalUrl: workflowUrl(app, workflowIds.kyc(state.customerId)),
        };
      },
    );
  }

  for (const action of ['freeze', 'unfreeze'] as const) {
    app.post(
      `/support/accounts/:id/${action}`,
      {
        config: { access: { roles: staff, resource: { kind: 'account' } } },
        schema: {
          tags: ['support'],
          summary:
            action === 'freeze'
              ? 'Freeze an account (outgoing money refused, incoming accepted)'
              : 'Unfreeze an account',
          description:
            'A `reason` is required and audited; emits account.frozen / account.unfrozen. 422 ACCOUNT_CLOSED for a closed account.',
          params: IdParams,
          body: ReasonBody,
          response: { 200: LifecycleView, ...errors(409, 422, 503) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const temporal = await temporalClient(app);
        return changeAccountStatus(
          { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE },
          {
            accountId: request.params.id,
            action: action === 'freeze' ? 'FREEZE' : 'UNFREEZE',
            actor: p.userId,
            actorRoles: p.roles,
            reason: request.body.reason,
            requestId: request.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64),
          },
        );
      },
    );
  }
};

export default supportKycRoutes;
