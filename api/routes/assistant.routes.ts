/**
 * POST /api/v1/assistant/chat: the customer assistant, streamed over SSE.
 * `event: token` → `{text}`; the last event is `event: done` → `{source: 'model'|'fallback', reason?}`.
 * Only the caller's own data is used; a chat never fails because the model is unreachable.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createAssistant } from '../../activities/ai/assistant.service';
import { DomainError } from '../../domain/errors';
import { principalOf } from '../plugins/access';

const assistantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const assistant = createAssistant({
    db: app.deps.database.db,
    redis: app.deps.redis,
    config: app.deps.config,
    logger: app.log as never,
  });

  app.post(
    '/assistant/chat',
    {
      config: { access: { roles: ['customer'] } },
      schema: {
        tags: ['assistant'],
        summary: 'Ask the assistant about your own money (SSE token stream)',
        description:
          'Streams `event: token` with `{text}` then `event: done` with `{source, reason?}`. Without a model, ' +
          'or when it fails or times out, a deterministic local answer labelled as such is streamed instead.',
        body: Type.Object(
          { message: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        // Per-status media types: SSE events on 200, JSON error bodies on 4xx. The schema
        // describes one event (`event:`/`data:` lines), as OpenAPI tools validate SSE.
        response: {
          200: {
            description: 'Server-sent events: `token` then `done`',
            content: {
              'text/event-stream': {
                schema: Type.Object({
                  event: Type.Optional(Type.String()),
                  data: Type.String({ description: 'JSON: {text} or {source, reason?}' }),
                  id: Type.Optional(Type.String()),
                  retry: Type.Optional(Type.Integer()),
                }),
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { customerId } = principalOf(request);
      if (!customerId) throw new DomainError('NOT_FOUND', 'No customer profile');
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
      try {
        for await (const event of assistant.chat(customerId, request.body.message)) {
          if (closed) break;
          const { type, ...data } = event;
          res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
        }
      } catch (err) {
        request.log.error({ err }, 'assistant chat failed');
        if (!closed)
          res.write(
            `event: error\ndata: ${JSON.stringify({ code: 'INTERNAL', message: 'The assistant failed' })}\n\n`,
          );
      }
      res.end();
    },
  );
};

export default assistantRoutes;
