/**
 * /api/v1/scheduled-payments: create (a ScheduledPaymentWorkflow per schedule), list, read (with
 * nextRunAt and past occurrences with their transfer ids), pause, resume, change (amount, next
 * date) and cancel (DELETE). Customers see only their own schedules (404 otherwise).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import {
  changeScheduledPayment,
  controlScheduledPayment,
  createScheduledPayment,
  getScheduledPayment,
  listScheduledPayments,
  type ScheduleView as ScheduleRecord,
} from '../../activities/schedules/schedules.service';
import { scheduledPayments } from '../../db/schema/scheduled-payments';
import { DomainError } from '../../domain/errors';
import { temporalClient, workflowUrl } from '../lib/temporal';
import { customerScope, principalOf } from '../plugins/access';
import {
  Currency,
  errors,
  Id,
  IdParams,
  MinorAmount,
  Page,
  PageQuery,
  PositiveAmount,
  Timestamp,
} from '../schemas/common';

const ScheduleSpecSchema = Type.Object(
  {
    frequency: Type.Union([
      Type.Literal('ONCE'),
      Type.Literal('WEEKLY'),
      Type.Literal('MONTHLY'),
      Type.Literal('CRON'),
    ]),
    startAt: Type.String({ format: 'date-time' }),
    dayOfMonth: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 31,
        description: 'MONTHLY; 29–31 clamp to the month end',
      }),
    ),
    cron: Type.Optional(
      Type.String({ minLength: 9, maxLength: 100, description: 'CRON: evaluated in UTC' }),
    ),
    endAt: Type.Optional(Type.String({ format: 'date-time' })),
    maxCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

const OccurrenceView = Type.Object({
  dueAt: Timestamp,
  transferId: Type.String(),
  amount: MinorAmount,
  status: Type.String({ description: 'RUNNING | RETRY_SCHEDULED | COMPLETED | SKIPPED | FAILED' }),
  attempts: Type.Integer(),
  failureCode: Type.Union([Type.String(), Type.Null()]),
});

const ScheduleView = Type.Object({
  id: Type.String(),
  fromAccountId: Type.String(),
  toAccountId: Type.String(),
  amount: MinorAmount,
  currency: Type.String(),
  memo: Type.Union([Type.String(), Type.Null()]),
  schedule: Type.Record(Type.String(), Type.Unknown()),
  status: Type.String({ description: 'ACTIVE | PAUSED | COMPLETED | CANCELLED' }),
  pausedReason: Type.Union([Type.String(), Type.Null()]),
  nextRunAt: Type.Union([Timestamp, Type.Null()]),
  occurrenceCount: Type.Integer(),
  occurrences: Type.Array(OccurrenceView),
  temporalUrl: Type.String(),
  createdAt: Timestamp,
});

const ScheduleListItem = Type.Object({
  id: Type.String(),
  fromAccountId: Type.String(),
  toAccountId: Type.String(),
  amount: MinorAmount,
  currency: Type.String(),
  status: Type.String(),
  nextRunAt: Type.Union([Timestamp, Type.Null()]),
  occurrenceCount: Type.Integer(),
  createdAt: Timestamp,
});

const anyRole = ['customer', 'support', 'ops'] as const;
const own = { access: { roles: anyRole, resource: { kind: 'schedule' as const } } };

const scheduledPaymentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const { config } = app.deps;

  app.registerOwnerResolver('schedule', async (id) => {
    const [row] = await db
      .select({ customerId: scheduledPayments.customerId })
      .from(scheduledPayments)
      .where(eq(scheduledPayments.id, id));
    return row?.customerId;
  });

  const view = (s: ScheduleRecord) => ({
    id: s.id,
    fromAccountId: s.fromAccountId,
    toAccountId: s.toAccountId,
    amount: Number(s.amount),
    currency: s.currency,
    memo: s.memo,
    schedule: s.schedule as unknown as Record<string, unknown>,
    status: s.status,
    pausedReason: s.pausedReason,
    nextRunAt: s.nextRunAt,
    occurrenceCount: s.occurrenceCount,
    occurrences: s.occurrences.map((o) => ({ ...o, amount: Number(o.amount) })),
    temporalUrl: workflowUrl(app, s.workflowId),
    createdAt: s.createdAt,
  });

  const deps = async () => ({
    db,
    temporal: await temporalClient(app),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });

  app.post(
    '/scheduled-payments',
    {
      config: { access: { roles: ['customer'] }, idempotency: true },
      schema: {
        tags: ['scheduled-payments'],
        summary: 'Create a scheduled payment',
        description:
          'One-off (ONCE) or recurring (WEEKLY, MONTHLY on day N, CRON), with an optional endAt or maxCount.',
        body: Type.Object(
          {
            fromAccountId: Id(),
            toAccountId: Id(),
            amount: PositiveAmount,
            currency: Currency,
            memo: Type.Optional(Type.String({ maxLength: 200 })),
            schedule: ScheduleSpecSchema,
          },
          { additionalProperties: false },
        ),
        response: { 201: ScheduleView, ...errors(403, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const { customerId } = principalOf(request);
      if (!customerId) throw new DomainError('FORBIDDEN', 'Only customers schedule payments');
      const created = await createScheduledPayment(await deps(), customerId, request.body);
      return reply.code(201).send(view(await getScheduledPayment(db, created.id)));
    },
  );

  app.get(
    '/scheduled-payments',
    {
      config: { access: { roles: anyRole } },
      schema: {
        tags: ['scheduled-payments'],
        summary: 'List scheduled payments',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(ScheduleListItem) },
      },
    },
    async (request) => {
      const page = await listScheduledPayments(db, {
        customerId: customerScope(request),
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return {
        items: page.items.map((r) => ({
          id: r.id,
          fromAccountId: r.fromAccountId,
          toAccountId: r.toAccountId,
          amount: Number(r.amount),
          currency: r.currency,
          status: r.status,
          nextRunAt: r.nextRunAt?.toISOString() ?? null,
          occurrenceCount: r.occurrenceCount,
          createdAt: r.createdAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/scheduled-payments/:id',
    {
      config: own,
      schema: {
        tags: ['scheduled-payments'],
        summary: 'One scheduled payment, with next run and past occurrences',
        params: IdParams,
        response: { 200: ScheduleView },
      },
    },
    async (request) => view(await getScheduledPayment(db, request.params.id)),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/scheduled-payments/:id/${action}`,
      {
        config: own,
        schema: {
          tags: ['scheduled-payments'],
          summary:
            action === 'pause' ? 'Pause a scheduled payment' : 'Resume a paused scheduled payment',
          description:
            action === 'resume'
              ? 'Dates missed while paused are not caught up: the next run is the first one from now.'
              : undefined,
          params: IdParams,
          response: { 200: ScheduleView, ...errors(409, 503) },
        },
      },
      async (request) =>
        view(
          await controlScheduledPayment(
            await deps(),
            request.params.id,
            action,
            principalOf(request).userId,
          ),
        ),
    );
  }

  app.patch(
    '/scheduled-payments/:id',
    {
      config: own,
      schema: {
        tags: ['scheduled-payments'],
        summary: 'Change the amount or the next run date',
        params: IdParams,
        body: Type.Object(
          {
            amount: Type.Optional(PositiveAmount),
            nextRunAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ScheduleView, ...errors(409, 503) },
      },
    },
    async (request) =>
      view(
        await changeScheduledPayment(
          await deps(),
          request.params.id,
          request.body,
          principalOf(request).userId,
        ),
      ),
  );

  app.delete(
    '/scheduled-payments/:id',
    {
      config: own,
      schema: {
        tags: ['scheduled-payments'],
        summary: 'Cancel a scheduled payment',
        params: IdParams,
        response: { 200: ScheduleView, ...errors(409, 503) },
      },
    },
    async (request) =>
      view(
        await controlScheduledPayment(
          await deps(),
          request.params.id,
          'cancel',
          principalOf(request).userId,
        ),
      ),
  );
};

export default scheduledPaymentsRoutes;
