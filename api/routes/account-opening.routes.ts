/**
 * POST /api/v1/accounts: opens an account through the AccountOpeningWorkflow → 202 with the
 * account id and workflow id; 403 KYC_REQUIRED without approved KYC.
 * GET /api/v1/accounts/:id/opening: the opening saga's state (query), for polling after the 202.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getOpeningState, openAccount } from '../../activities/accounts/accounts.service';
import { DomainError } from '../../domain/errors';
import { temporalClient, workflowUrl } from '../lib/temporal';
import { principalOf } from '../plugins/access';
import { Currency, errors, IdParams, PositiveAmount, Timestamp } from '../schemas/common';

const OpeningView = Type.Object({
  accountId: Type.String(),
  number: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  currency: Type.String(),
  status: Type.String({
    description:
      'CHECKING_KYC | CREATING_ACCOUNT | FUNDING | ANNOUNCING | OPEN | COMPENSATING | FAILED',
  }),
  funded: Type.Boolean(),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  timeline: Type.Array(Type.Object({ status: Type.String(), at: Timestamp })),
  temporalUrl: Type.String(),
});

const accountOpeningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const { config } = app.deps;

  app.post(
    '/accounts',
    {
      config: { access: { roles: ['customer'] }, idempotency: true },
      schema: {
        tags: ['accounts'],
        summary: 'Open an account',
        description:
          'Requires approved KYC (403 KYC_REQUIRED otherwise). The optional initial deposit is funded from settlement.',
        body: Type.Object(
          {
            type: Type.Union([Type.Literal('CHECKING'), Type.Literal('SAVINGS')]),
            currency: Currency,
            initialDeposit: Type.Optional(PositiveAmount),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ id: Type.String(), status: Type.String(), workflowId: Type.String() }),
          ...errors(403, 503),
        },
      },
    },
    async (request, reply) => {
      const { customerId } = principalOf(request);
      if (!customerId) throw new DomainError('FORBIDDEN', 'Only customers open accounts');
      const temporal = await temporalClient(app);
      const result = await openAccount(
        { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE },
        customerId,
        request.body,
      );
      return reply.code(202).header('location', `/api/v1/accounts/${result.id}`).send(result);
    },
  );

  app.get(
    '/accounts/:id/opening',
    {
      config: { access: { roles: ['customer', 'support', 'ops'], resource: { kind: 'account' } } },
      schema: {
        tags: ['accounts'],
        summary: 'Account opening status',
        params: IdParams,
        response: { 200: OpeningView, ...errors(503) },
      },
    },
    async (request) => {
      const temporal = await temporalClient(app);
      const state = await getOpeningState({ temporal }, request.params.id).catch(() => {
        throw new DomainError('NOT_FOUND', 'No opening workflow for this account');
      });
      return { ...state, temporalUrl: workflowUrl(app, `account-opening-${state.accountId}`) };
    },
  );
};

export default accountOpeningRoutes;
