import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';
import { parseJson, streamSse } from '@/lib/sse';

export const notificationSchema = z
  .object({
    id: z.string(),
    type: z.string().optional(),
    title: z.string().nullish(),
    body: z.string().nullish(),
    message: z.string().nullish(),
    readAt: z.string().nullish(),
    read: z.boolean().optional(),
    createdAt: z.string().optional(),
    data: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type Notification = z.infer<typeof notificationSchema>;

const pageSchema = z.object({
  items: z.array(notificationSchema),
  nextCursor: z.string().nullish(),
});

export const notificationsKey = ['notifications'] as const;
export const listNotifications = () =>
  request('/notifications', pageSchema, { query: { limit: 50 } });

export function useNotifications() {
  return useQuery({
    queryKey: notificationsKey,
    queryFn: listNotifications,
    select: (p) => p.items,
  });
}

export type StreamState = 'connecting' | 'live' | 'offline';

/**
 * Opens the notifications SSE stream once for the signed-in app; new notifications are prepended
 * to the cached list and handed to `onNew` (the toast). Reconnects with backoff.
 */
export function useNotificationStream(onNew?: (n: Notification) => void, enabled = true) {
  const qc = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      setState('connecting');
      streamSse('/notifications/stream', {
        signal: ctrl.signal,
        onOpen: () => {
          attempt = 0;
          setState('live');
        },
        onEvent: (e) => {
          const parsed = notificationSchema.safeParse(parseJson(e.data));
          if (!parsed.success) return;
          const n = parsed.data;
          if (!n.title && !n.body && !n.message) return; // keep-alives and other event kinds
          qc.setQueryData<z.infer<typeof pageSchema>>(notificationsKey, (prev) =>
            prev ? { ...prev, items: [n, ...prev.items.filter((x) => x.id !== n.id)] } : prev,
          );
          onNew?.(n);
        },
      })
        .catch(() => undefined)
        .finally(() => {
          if (ctrl.signal.aborted) return;
          setState('offline');
          attempt += 1;
          timer = setTimeout(connect, Math.min(30_000, 1000 * 2 ** attempt));
        });
    };
    connect();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
    // onNew is intentionally not a dependency: the stream lives as long as the app.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, qc]);
  return state;
}

export function notificationText(n: Notification): { title: string; body: string } {
  const title =
    n.title ??
    (n.type ? n.type.replace(/[._]/g, ' ').replace(/^\w/, (c) => c.toUpperCase()) : 'Notification');
  return { title, body: n.body ?? n.message ?? '' };
}
