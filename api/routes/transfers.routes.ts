/**
 * /api/v1/transfers: create (waits briefly for the hold through the workflow's update), read,
 * list, cancel, and an SSE stream of status changes until the transfer ends.
 *
 * The destination is one of the caller's accounts by id, or anyone's account by its number
 * (`toAccountNumber`); both resolve to an account id before the workflow starts.
 *
 * The transfer id is derived from the caller and the Idempotency-Key, so even a retry after a
 * lost response (or a 5xx that released the key) reaches the same workflow, never a second one.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { Type } from 'typebox';
import {
  cancelTransfer,
  getTransferStatus,
  startTransfer,
} from '../../activities/transfers/transfer.client';
import { getTransfer, listTransfers } from '../../activities/transfers/transfers.service';
import { resolveDestination } from './transfers.destination';
import { parseHistoryFilters, TransferListQuery } from './transfers.filters';
import { accounts } from '../../db/schema/ledger';
import type { TransferRow } from '../../db/schema/transfers';
import { DomainError, httpStatusFor, isErrorCode } from '../../domain/errors';
import { ID_PREFIX, isOpaqueId } from '../../domain/ids';
import { minorToString } from '../../domain/money';
import {
  isTerminalTransferStatus,
  TRANSFER_STATUSES,
  type TransferStatus,
} from '../../domain/transfer';
import type { TransferSnapshot } from '../../workflows/transfer.messages';
import { DEFAULT_PAGE_SIZE } from '../lib/pagination';
import { temporalClient } from '../lib/temporal';
import { customerScope, isStaff, principalOf } from '../plugins/access';
import { IDEMPOTENCY_HEADER } from '../plugins/idempotency';
import {
  Currency,
  errors,
  Id,
  IdParams,
  MinorAmount,
  Page,
  PositiveAmount,
  Timestamp,
} from '../schemas/common';

export const TransferView = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: [...TRANSFER_STATUSES] }),
  amount: MinorAmount,
  currency: Type.String(),
  fromAccountId: Type.String(),
  toAccountId: Type.String(),
  memo: Type.Union([Type.String(), Type.Null()]),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  fraud: Type.Union([
    Type.Object({
      score: Type.Number(),
      decision: Type.String(),
      reasons: Type.Array(
        Type.Object({ rule: Type.String(), value: Type.String(), weight: Type.Number() }),
      ),
    }),
    Type.Null(),
  ]),
  timeline: Type.Array(
    Type.Object({ status: Type.String(), at: Type.String(), note: Type.Optional(Type.String()) }),
  ),
  workflowId: Type.String(),
  createdAt: Timestamp,
});

/** List items also name both accounts by number, so history can show and search counterparties. */
const TransferListItem = Type.Object({
  ...TransferView.properties,
  fromAccountNumber: Type.Union([Type.String(), Type.Null()]),
  toAccountNumber: Type.Union([Type.String(), Type.Null()]),
});
type TransferViewT = {
  id: string;
  status: TransferStatus;
  amount: number;
  currency: string;
  fromAccountId: string;
  toAccountId: string;
  memo: string | null;
  failureCode: string | null;
  fraud: TransferSnapshot['fraud'];
  timeline: TransferSnapshot['timeline'];
  workflowId: string;
  createdAt: string;
};

export function viewOfRow(r: TransferRow): TransferViewT {
  return {
    id: r.id,
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    fromAccountId: r.fromAccountId,
    toAccountId: r.toAccountId,
    memo: r.memo,
    failureCode: r.failureCode,
    fraud: r.fraud ?? null,
    timeline: r.timeline,
    workflowId: r.workflowId,
    createdAt: r.createdAt.toISOString(),
  };
}

export function viewOfSnapshot(s: TransferSnapshot): TransferViewT {
  return {
    id: s.transferId,
    status: s.status,
    amount: Number(s.amount),
    currency: s.currency,
    fromAccountId: s.fromAccountId,
    toAccountId: s.toAccountId,
    memo: s.memo,
    failureCode: s.failureCode,
    fraud: s.fraud,
    timeline: s.timeline,
    workflowId: s.workflowId,
    createdAt: s.createdAt,
  };
}

/** The freshest view: the live workflow when reachable, else the read model. */
export async function loadTransfer(app: FastifyInstance, id: string): Promise<TransferViewT> {
  const row = await getTransfer(app.deps.database.db, id);
  if (row && isTerminalTransferStatus(row.status)) return viewOfRow(row);
  if (app.deps.temporal) {
    try {
      const client = await app.deps.temporal();
      return viewOfSnapshot(await getTransferStatus(client, id, { timeoutMs: 2_000 }));
    } catch (err) {
      if (!row) {
        if (err instanceof DomainError) throw err;
        throw new DomainError('DEPENDENCY_UNAVAILABLE', 'Workflow engine is unavailable');
      }
    }
  }
  if (!row) throw new DomainError('TRANSFER_NOT_FOUND', 'Transfer not found', { transferId: id });
  return viewOfRow(row);
}

function transferIdFor(request: FastifyRequest): string {
  const key = String(request.headers[IDEMPOTENCY_HEADER]);
  const digest = createHash('sha256')
    .update(`${principalOf(request).userId}\n${key}`)
    .digest('base64url');
  return `${ID_PREFIX.transfer}_${digest.slice(0, 24)}`;
}

const anyRole = ['customer', 'support', 'ops'] as const;
const ownTransfer = { access: { roles: anyRole, resource: { kind: 'transfer' as const } } };

const transfersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const { config } = app.deps;

  async function assertOwnAccount(request: FastifyRequest, accountId: string) {
    const notFound = new DomainError('ACCOUNT_NOT_FOUND', 'No such account', { accountId });
    if (!isOpaqueId(accountId, 'account')) throw notFound;
    const [acc] = await db
      .select({ customerId: accounts.customerId })
      .from(accounts)
      .where(eq(accounts.id, accountId));
    if (!acc) throw notFound;
    const p = principalOf(request);
    if (!isStaff(p) && acc.customerId !== p.customerId) throw notFound;
  }

  app.post(
    '/transfers',
    {
      config: { access: { roles: ['customer'] }, idempotency: true },
      schema: {
        tags: ['transfers'],
        summary: 'Send money between accounts',
        description:
          'Waits briefly for the hold: 201 when funds are held (FUNDS_HELD, AWAITING_REVIEW or beyond), ' +
          '422 INSUFFICIENT_FUNDS (with details.transferId) when refused, 202 when the outcome takes longer.',
        body: Type.Object(
          {
            fromAccountId: Id('Source account (yours)'),
            toAccountId: Type.Optional(Id('Destination account id (give this or toAccountNumber)')),
            toAccountNumber: Type.Optional(
              Type.String({
                minLength: 6,
                maxLength: 40,
                pattern: '^[0-9][0-9 -]*[0-9]$',
                description:
                  'Destination by account number, anyone’s (spaces and dashes allowed; give this or toAccountId)',
              }),
            ),
            amount: PositiveAmount,
            currency: Currency,
            memo: Type.Optional(Type.String({ maxLength: 140 })),
          },
          {
            additionalProperties: false,
            // Exactly one destination; checked before the Idempotency-Key is claimed.
            oneOf: [{ required: ['toAccountId'] }, { required: ['toAccountNumber'] }],
          },
        ),
        response: { 201: TransferView, 202: TransferView, ...errors(404, 422, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const p = principalOf(request);
      await assertOwnAccount(request, body.fromAccountId);
      const toAccountId = await resolveDestination(db, body);
      if (body.fromAccountId === toAccountId) {
        throw new DomainError('SAME_ACCOUNT', 'Source and destination must differ');
      }
      const client = await temporalClient(app);
      const transferId = transferIdFor(request);
      const result = await startTransfer(
        client,
        {
          transferId,
          customerId: p.customerId ?? '',
          fromAccountId: body.fromAccountId,
          toAccountId,
          amount: minorToString(BigInt(body.amount)),
          currency: body.currency,
          memo: body.memo,
          reviewTimeoutSeconds: config.TRANSFER_REVIEW_TIMEOUT_SECONDS,
          initiatedBy: p.userId,
        },
        { waitMs: config.TRANSFER_HOLD_WAIT_MS, taskQueue: config.TEMPORAL_TASK_QUEUE },
      );
      const view = viewOfSnapshot(result.transfer);
      reply.header('location', `/api/v1/transfers/${transferId}`);
      if (result.status === 'HELD') return reply.code(201).send(view);
      if (result.status === 'PENDING') return reply.code(202).send(view);
      const code = result.transfer.failureCode;
      const errCode =
        code && isErrorCode(code) && httpStatusFor(code) < 500 ? code : 'INVALID_STATE';
      throw new DomainError(
        errCode,
        result.transfer.failureMessage ?? `Transfer refused: ${code ?? 'unknown'}`,
        {
          transferId,
          status: result.transfer.status,
        },
      );
    },
  );

  app.get(
    '/transfers/:id',
    {
      config: ownTransfer,
      schema: {
        tags: ['transfers'],
        summary: 'One transfer with its timeline',
        params: IdParams,
        response: { 200: TransferView, ...errors(503) },
      },
    },
    async (request) => loadTransfer(app, request.params.id),
  );

  app.get(
    '/transfers',
    {
      config: { access: { roles: anyRole } },
      schema: {
        tags: ['transfers'],
        summary: 'List transfers, newest first, with history filters',
        description:
          'Customers see transfers from or to their accounts. Filters combine (AND): account, ' +
          'status, creation date range, amount range (minor units) and a counterparty fragment ' +
          '(account number or holder name). The cursor stays valid under the same filters.',
        querystring: TransferListQuery,
        response: { 200: Page(TransferListItem), ...errors(404) },
      },
    },
    async (request) => {
      const { accountId, status, cursor } = request.query;
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const filters = parseHistoryFilters(request.query);
      let involvingCustomerId = customerScope(request);
      if (accountId) {
        await assertOwnAccount(request, accountId);
        involvingCustomerId = undefined; // incoming transfers to your account are yours to see
      }
      const page = await listTransfers(db, {
        ...filters,
        accountId,
        involvingCustomerId,
        status,
        cursor,
        limit,
      });
      const ids = [...new Set(page.items.flatMap((r) => [r.fromAccountId, r.toAccountId]))];
      const numbers = new Map(
        ids.length === 0
          ? []
          : (
              await db
                .select({ id: accounts.id, number: accounts.number })
                .from(accounts)
                .where(inArray(accounts.id, ids))
            ).map((a) => [a.id, a.number]),
      );
      return {
        items: page.items.map((r) => ({
          ...viewOfRow(r),
          fromAccountNumber: numbers.get(r.fromAccountId) ?? null,
          toAccountNumber: numbers.get(r.toAccountId) ?? null,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    '/transfers/:id/cancel',
    {
      config: ownTransfer,
      schema: {
        tags: ['transfers'],
        summary: 'Cancel a transfer before posting starts',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: TransferView, ...errors(409, 503) },
      },
    },
    async (request) => {
      const client = await temporalClient(app);
      const snapshot = await cancelTransfer(client, request.params.id, {
        actor: principalOf(request).userId,
        reason: request.body?.reason ?? 'cancelled by customer',
      });
      return viewOfSnapshot(snapshot);
    },
  );

  app.get(
    '/transfers/:id/stream',
    {
      config: { ...ownTransfer, rateLimit: false },
      schema: {
        tags: ['transfers'],
        summary: 'Server-sent events: status changes until the transfer ends',
        description:
          'Each `event: status` carries the transfer view; the stream closes after a terminal status.',
        params: IdParams,
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const first = await loadTransfer(app, id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-request-id': request.id,
        'x-accel-buffering': 'no',
      });
      let closed = false;
      request.raw.on('close', () => {
        closed = true;
      });
      const send = (event: string, data: unknown) => {
        if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let last = `${first.status}:${first.timeline.length}`;
      send('status', first);
      let current = first;
      let ticks = 0;
      while (!closed && !isTerminalTransferStatus(current.status)) {
        await new Promise((r) => setTimeout(r, 500));
        if (closed) break;
        try {
          current = await loadTransfer(app, id);
        } catch {
          continue;
        }
        const key = `${current.status}:${current.timeline.length}`;
        if (key !== last) {
          last = key;
          send('status', current);
        } else if (++ticks % 30 === 0) {
          res.write(': keep-alive\n\n');
        }
      }
      send('end', { id, status: current.status });
      res.end();
    },
  );
};

export default transfersRoutes;
