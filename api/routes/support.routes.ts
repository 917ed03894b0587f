/**
 * /api/v1/support: the transfer queue (NEEDS_ATTENTION, AWAITING_REVIEW, STUCK) with Temporal
 * deep links, the actions on a transfer (retry, cancel, approve, reject — each needs a reason
 * and is audited), and the audit log. KYC review and freeze routes live with their domains.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { Type } from 'typebox';
import { listAudit, recordAudit } from '../../activities/audit/audit';
import {
  approveTransfer,
  cancelTransfer,
  rejectTransfer,
  retryTransfer,
} from '../../activities/transfers/transfer.client';
import { reverseTransfer } from '../../activities/transfers/reversal.client';
import { listTransfers } from '../../activities/transfers/transfers.service';
import { DomainError } from '../../domain/errors';
import {
  TERMINAL_TRANSFER_STATUSES,
  TRANSFER_STATUSES,
  type TransferStatus,
} from '../../domain/transfer';
import type { ActorInput, TransferSnapshot } from '../../workflows/transfer.messages';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../lib/pagination';
import { temporalClient, workflowUrl } from '../lib/temporal';
import { principalOf } from '../plugins/access';
import { errors, Id, IdParams, Page, PageQuery, ReasonBody, Timestamp } from '../schemas/common';
import { loadTransfer, TransferView, viewOfRow, viewOfSnapshot } from './transfers.routes';

const staff = ['support', 'ops'] as const;

const QueueItem = Type.Object({
  ...TransferView.properties,
  temporalUrl: Type.String({ description: 'Deep link to the workflow in the Temporal UI' }),
  updatedAt: Timestamp,
});

const SupportTransferView = Type.Object({ ...TransferView.properties, temporalUrl: Type.String() });

const AuditView = Type.Object({
  id: Type.String(),
  actor: Type.String(),
  actorRoles: Type.Array(Type.String()),
  action: Type.String(),
  target: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  at: Timestamp,
});

const NON_TERMINAL = TRANSFER_STATUSES.filter((s) => !TERMINAL_TRANSFER_STATUSES.includes(s));

type Action = 'retry' | 'cancel' | 'approve' | 'reject';
const ACTIONS: Record<
  Action,
  { run: (c: Client, id: string, req: ActorInput) => Promise<TransferSnapshot>; summary: string }
> = {
  retry: { run: retryTransfer, summary: 'Retry the step a NEEDS_ATTENTION transfer is parked on' },
  cancel: {
    run: cancelTransfer,
    summary: 'Cancel a transfer (voids the hold) before posting starts',
  },
  approve: { run: approveTransfer, summary: 'Approve a transfer awaiting review' },
  reject: { run: rejectTransfer, summary: 'Reject a transfer awaiting review (voids the hold)' },
};

const supportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const stuckAfter = app.deps.config.SUPPORT_STUCK_AFTER_SECONDS;

  app.get(
    '/support/transfers',
    {
      config: { access: { roles: staff } },
      schema: {
        tags: ['support'],
        summary: 'Transfer queue: NEEDS_ATTENTION, AWAITING_REVIEW or STUCK',
        description: `STUCK: not terminal and created more than SUPPORT_STUCK_AFTER_SECONDS (${stuckAfter}) ago.`,
        querystring: Type.Object(
          {
            ...PageQuery,
            state: Type.Union([
              Type.Literal('NEEDS_ATTENTION'),
              Type.Literal('AWAITING_REVIEW'),
              Type.Literal('STUCK'),
            ]),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(QueueItem) },
      },
    },
    async (request) => {
      const { state, cursor } = request.query;
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const stuck = state === 'STUCK';
      const page = await listTransfers(db, {
        status: stuck ? (NON_TERMINAL as TransferStatus[]) : state,
        createdBefore: stuck ? new Date(Date.now() - stuckAfter * 1000) : undefined,
        cursor,
        limit,
      });
      return {
        items: page.items.map((r) => ({
          ...viewOfRow(r),
          temporalUrl: workflowUrl(app, r.workflowId),
          updatedAt: r.updatedAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  for (const [action, { run, summary }] of Object.entries(ACTIONS) as [
    Action,
    (typeof ACTIONS)[Action],
  ][]) {
    app.post(
      `/support/transfers/:id/${action}`,
      {
        config: { access: { roles: staff, resource: { kind: 'transfer' } } },
        schema: {
          tags: ['support'],
          summary,
          description:
            'A `reason` is required and recorded in the audit log. A wrong state answers 409 with the reason.',
          params: IdParams,
          body: ReasonBody,
          response: { 200: SupportTransferView, ...errors(409, 503) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { id } = request.params;
        const client = await temporalClient(app);
        const snapshot = await run(client, id, { actor: p.userId, reason: request.body.reason });
        await recordAudit(db, {
          actor: p.userId,
          actorRoles: p.roles,
          action: `transfer.${action}`,
          target: id,
          reason: request.body.reason,
          details: { status: snapshot.status },
        });
        return { ...viewOfSnapshot(snapshot), temporalUrl: workflowUrl(app, snapshot.workflowId) };
      },
    );
  }

  app.post(
    '/support/transfers/:id/reverse',
    {
      config: { access: { roles: staff, resource: { kind: 'transfer' } } },
      schema: {
        tags: ['support'],
        summary: 'Reverse a COMPLETED transfer: the money goes back from the payee to the payer',
        description:
          'Runs the TransferReversalWorkflow (one per transfer; a repeat never moves money twice). ' +
          "200: reversed (status REVERSED). 202: still running (poll the transfer). 409 INVALID_STATE: not COMPLETED. 422 INSUFFICIENT_FUNDS / ACCOUNT_FROZEN / ACCOUNT_CLOSED: the payee's account cannot give the money back; nothing moved. A `reason` is required and audited.",
        params: IdParams,
        body: ReasonBody,
        response: { 200: SupportTransferView, 202: SupportTransferView, ...errors(409, 422, 503) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { id } = request.params;
      const client = await temporalClient(app);
      const req = { actor: p.userId, reason: request.body.reason };
      let outcome;
      try {
        outcome = await reverseTransfer(client, id, req, {
          taskQueue: app.deps.config.TEMPORAL_TASK_QUEUE,
        });
      } catch (err) {
        if (err instanceof DomainError) {
          await recordAudit(db, {
            actor: p.userId,
            actorRoles: p.roles,
            action: 'transfer.reverse_refused',
            target: id,
            reason: request.body.reason,
            details: { code: err.code },
          });
        }
        throw err;
      }
      await recordAudit(db, {
        actor: p.userId,
        actorRoles: p.roles,
        action: 'transfer.reverse',
        target: id,
        reason: request.body.reason,
        details: {
          state: outcome.state,
          ...(outcome.state === 'REVERSED' && {
            ledgerTransferId: outcome.result.ledgerTransferId,
          }),
        },
      });
      const view = await loadTransfer(app, id);
      if (outcome.state === 'RUNNING') reply.code(202);
      return { ...view, temporalUrl: workflowUrl(app, outcome.workflowId) };
    },
  );

  app.get(
    '/support/audit',
    {
      config: { access: { roles: staff } },
      schema: {
        tags: ['support'],
        summary: 'Audit log of support and ops actions, newest first',
        querystring: Type.Object(
          {
            ...PageQuery,
            actor: Type.Optional(Id('Filter by actor (user id)')),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            target: Type.Optional(Id('Filter by target id')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(AuditView) },
      },
    },
    async (request) => {
      const { actor, action, target } = request.query;
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const cursor = decodeCursor<{ id: string }>(request.query.cursor);
      let beforeId: bigint | undefined;
      if (cursor) {
        if (!/^\d{1,19}$/.test(String(cursor.id))) return { items: [], nextCursor: null };
        beforeId = BigInt(String(cursor.id));
      }
      const rows = await listAudit(db, { actor, action, target, limit, beforeId });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({ ...r, at: r.at.toISOString() })),
        nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
      };
    },
  );
};

export default supportRoutes;
