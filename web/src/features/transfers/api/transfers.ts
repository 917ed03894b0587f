import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';

export const TRANSFER_STATUSES = [
  'PENDING',
  'FUNDS_HELD',
  'AWAITING_REVIEW',
  'POSTING',
  'COMPLETED',
  'NEEDS_ATTENTION',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  'REVERSED',
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
export const TERMINAL: readonly string[] = [
  'COMPLETED',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  'REVERSED',
];
/** Cancel is allowed until posting starts (the API answers 409 CANNOT_CANCEL after). */
export const CANCELLABLE: readonly string[] = ['PENDING', 'FUNDS_HELD', 'AWAITING_REVIEW'];

const fraudReasonSchema = z.union([
  z.string(),
  z
    .object({
      rule: z.string().optional(),
      value: z.unknown().optional(),
      weight: z.number().optional(),
      message: z.string().optional(),
    })
    .loose(),
]);

export const timelineEntrySchema = z.object({
  status: z.string(),
  at: z.string(),
  note: z.string().nullish(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const transferSchema = z.object({
  id: z.string(),
  status: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  fromAccountId: z.string(),
  toAccountId: z.string(),
  memo: z.string().nullish(),
  failureCode: z.string().nullish(),
  fraud: z
    .object({
      score: z.number().nullish(),
      decision: z.string().nullish(),
      reasons: z.array(fraudReasonSchema).default([]),
    })
    .nullish(),
  timeline: z.array(timelineEntrySchema).default([]),
  createdAt: z.string().optional(),
  /** List items name both accounts by number (never the other holder's name). */
  fromAccountNumber: z.string().nullish(),
  toAccountNumber: z.string().nullish(),
});
export type Transfer = z.infer<typeof transferSchema>;

/** 202 (slow hold) may carry less than the full transfer. */
const createResultSchema = transferSchema.partial().extend({ id: z.string() });

const pageSchema = z.object({ items: z.array(transferSchema), nextCursor: z.string().nullish() });

// ---- form (same rules as the API body) ----
/** Same pattern as the API's `toAccountNumber`: digits, spaces and dashes allowed inside. */
export const ACCOUNT_NUMBER_INPUT = /^[0-9][0-9 -]*[0-9]$/;
export const transferBodySchema = z
  .object({
    fromAccountId: z.string().min(1),
    toAccountId: z.string().min(1).optional(),
    toAccountNumber: z.string().min(6).max(40).regex(ACCOUNT_NUMBER_INPUT).optional(),
    amount: z.number().int().positive().max(1_000_000_000_000_000),
    currency: z.enum(['USD', 'EUR', 'GBP', 'JPY', 'CHF']),
    memo: z.string().max(140).optional(),
  })
  .strict()
  .refine((b) => (b.toAccountId === undefined) !== (b.toAccountNumber === undefined), {
    message: 'Give exactly one destination',
  });
export type TransferBody = z.infer<typeof transferBodySchema>;

// ---- fetchers ----
export const createTransfer = (body: TransferBody, idempotencyKey: string) =>
  request('/transfers', createResultSchema, { body, idempotencyKey });
export const getTransfer = (id: string) =>
  request(`/transfers/${encodeURIComponent(id)}`, transferSchema);
// A JSON body, even empty: the route's optional body schema is an object.
export const cancelTransfer = (id: string) =>
  request(`/transfers/${encodeURIComponent(id)}/cancel`, transferSchema.partial().loose(), {
    method: 'POST',
    body: { reason: 'Cancelled by the customer' },
  });

/** The API's history filters (GET /transfers): amounts in minor units, instants in ISO 8601. */
export interface TransferFilters {
  accountId?: string;
  status?: string;
  createdFrom?: string;
  createdTo?: string;
  minAmount?: string;
  maxAmount?: string;
  counterparty?: string;
}
export const listTransfers = (filters: TransferFilters, cursor?: string, limit = 25) =>
  request('/transfers', pageSchema, { query: { ...filters, cursor, limit } });

// ---- hooks ----
export const transferKey = (id: string) => ['transfers', 'one', id] as const;

export function useTransfer(id: string, opts: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: transferKey(id),
    queryFn: () => getTransfer(id),
    refetchInterval: opts.refetchInterval,
  });
}

export function useTransfersInfinite(filters: TransferFilters) {
  return useInfiniteQuery({
    queryKey: ['transfers', 'list', filters],
    queryFn: ({ pageParam }) => listTransfers(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function usePendingTransfers() {
  return useQuery({
    queryKey: ['transfers', 'pending'],
    queryFn: () => listTransfers({}, undefined, 50),
    select: (p) => p.items.filter((t) => !TERMINAL.includes(t.status)),
    refetchInterval: 15_000,
  });
}

export function useCreateTransfer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: TransferBody; key: string }) => createTransfer(body, key),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['transfers'] });
      void qc.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
}

export function useCancelTransfer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => cancelTransfer(id),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: transferKey(id) });
      void qc.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
}
