/**
 * /api/v1/notifications: the caller's notification history (with per-channel delivery status),
 * the live SSE stream of new ones (Postgres LISTEN/NOTIFY fan-out), and channel preferences.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createNotificationService } from '../../activities/notify/notification.service';
import {
  createNotificationStream,
  type NotificationStream,
} from '../../activities/notify/notification-stream';
import {
  CATEGORIES,
  CHANNELS,
  MANDATORY_CATEGORIES,
  type Category,
  type Channel,
} from '../../activities/notify/templates';
import { DomainError } from '../../domain/errors';
import { principalOf } from '../plugins/access';
import { Page, PageQuery, Timestamp } from '../schemas/common';

const customers = { roles: ['customer'] as const };

const NotificationView = Type.Object({
  id: Type.String(),
  category: Type.String(),
  template: Type.String(),
  title: Type.String(),
  body: Type.String(),
  createdAt: Timestamp,
  readAt: Type.Union([Timestamp, Type.Null()]),
  channels: Type.Array(
    Type.Object({ channel: Type.String(), status: Type.String(), attempts: Type.Integer() }),
  ),
});

const ChannelFlags = Type.Object({
  email: Type.Boolean(),
  sms: Type.Boolean(),
  in_app: Type.Boolean(),
});
const PreferencesView = Type.Object({
  preferences: Type.Record(Type.String(), ChannelFlags),
  mandatoryCategories: Type.Array(Type.String()),
});

function ownCustomer(request: Parameters<typeof principalOf>[0]): string {
  const { customerId } = principalOf(request);
  if (!customerId) throw new DomainError('NOT_FOUND', 'No customer profile');
  return customerId;
}

const notificationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const service = createNotificationService({ db, logger: app.log as never });
  let stream: NotificationStream | undefined;
  const liveStream = () =>
    (stream ??= createNotificationStream(app.deps.config.DATABASE_URL, app.log as never));
  app.addHook('onClose', async () => {
    await stream?.close();
  });

  app.get(
    '/notifications',
    {
      config: { access: customers },
      schema: {
        tags: ['notifications'],
        summary: "The caller's notifications, newest first, with delivery status per channel",
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(NotificationView) },
      },
    },
    async (request) => {
      const customerId = ownCustomer(request);
      return service.list(customerId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
    },
  );

  app.get(
    '/notifications/stream',
    {
      config: { access: customers, rateLimit: false },
      schema: {
        tags: ['notifications'],
        summary: 'Server-sent events: each new in-app notification as it is created',
        description:
          'Each `event: notification` carries the notification view; a comment line every 15 s keeps the connection open.',
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }) },
      },
    },
    async (request, reply) => {
      const customerId = ownCustomer(request);
      const live = liveStream();
      await live.ready;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-request-id': request.id,
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const unsubscribe = live.subscribe(customerId, (signal) => {
        void service
          .list(customerId, { limit: 20 })
          .then((page) => {
            const item = page.items.find((n) => n.id === signal.id) ?? { id: signal.id };
            res.write(`event: notification\ndata: ${JSON.stringify(item)}\n\n`);
          })
          .catch(() => undefined);
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
      });
    },
  );

  app.get(
    '/notifications/preferences',
    {
      config: { access: customers },
      schema: {
        tags: ['notifications'],
        summary: 'Channel preferences per category',
        response: { 200: PreferencesView },
      },
    },
    async (request) => ({
      preferences: await service.getPreferences(ownCustomer(request)),
      mandatoryCategories: [...MANDATORY_CATEGORIES],
    }),
  );

  app.put(
    '/notifications/preferences',
    {
      config: { access: customers },
      schema: {
        tags: ['notifications'],
        summary: 'Set channel preferences; security notices stay on for email and in-app',
        body: Type.Object(
          {
            changes: Type.Array(
              Type.Object(
                {
                  category: Type.Union(CATEGORIES.map((c) => Type.Literal(c))),
                  channel: Type.Union(CHANNELS.map((c) => Type.Literal(c))),
                  enabled: Type.Boolean(),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 50 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: PreferencesView },
      },
    },
    async (request) => ({
      preferences: await service.setPreferences(
        ownCustomer(request),
        request.body.changes as { category: Category; channel: Channel; enabled: boolean }[],
      ),
      mandatoryCategories: [...MANDATORY_CATEGORIES],
    }),
  );
};

export default notificationsRoutes;
