import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { parseJson, streamSse } from '@/lib/sse';
import { TERMINAL, transferKey, useTransfer, type Transfer } from '../api/transfers';

export type LiveMode = 'connecting' | 'live' | 'polling' | 'done';

/**
 * The transfer, kept current: an SSE stream of status changes (GET /transfers/:id/stream) patches
 * the cached transfer at once and triggers a refetch for the full timeline. If the stream cannot
 * be opened or drops, we fall back to polling every 2 s until the status is terminal.
 */
export function useTransferLive(id: string) {
  const qc = useQueryClient();
  const [mode, setMode] = useState<LiveMode>('connecting');
  const query = useTransfer(id, { refetchInterval: mode === 'polling' ? 2000 : false });
  const terminal = query.data ? TERMINAL.includes(query.data.status) : false;

  useEffect(() => {
    if (terminal) {
      setMode('done');
      return;
    }
    const ctrl = new AbortController();
    let cancelled = false;
    setMode('connecting');
    streamSse(`/transfers/${encodeURIComponent(id)}/stream`, {
      signal: ctrl.signal,
      onOpen: () => setMode('live'),
      onEvent: (e) => {
        const data = parseJson(e.data) as (Partial<Transfer> & { at?: string }) | undefined;
        const status = data?.status;
        if (typeof status === 'string') {
          qc.setQueryData<Transfer>(transferKey(id), (prev) => {
            if (!prev) return prev;
            const at = typeof data?.at === 'string' ? data.at : new Date().toISOString();
            const timeline = Array.isArray(data?.timeline)
              ? data.timeline
              : prev.timeline.some((t) => t.status === status)
                ? prev.timeline
                : [...prev.timeline, { status, at }];
            return { ...prev, ...(data as object), status, timeline } as Transfer;
          });
        }
        void qc.invalidateQueries({ queryKey: transferKey(id) });
        void qc.invalidateQueries({ queryKey: ['accounts'] });
      },
    })
      .then(() => {
        if (!cancelled) {
          void qc.invalidateQueries({ queryKey: transferKey(id) });
          setMode('polling');
        }
      })
      .catch(() => {
        if (!cancelled) setMode('polling');
      });
    return () => {
      cancelled = true;
      ctrl.abort();
    };
  }, [id, terminal, qc]);

  return { ...query, mode: terminal ? ('done' as const) : mode };
}
