import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';

export const QUEUES = ['AWAITING_REVIEW', 'NEEDS_ATTENTION', 'STUCK'] as const;
export type Queue = (typeof QUEUES)[number];

const reasonSchema = z.union([
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

export const queueItemSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    fromAccountId: z.string(),
    toAccountId: z.string(),
    memo: z.string().nullish(),
    failureCode: z.string().nullish(),
    customerId: z.string().nullish(),
    fraud: z
      .object({
        score: z.number().nullish(),
        decision: z.string().nullish(),
        reasons: z.array(reasonSchema).default([]),
        explanation: z.string().nullish(),
      })
      .loose()
      .nullish(),
    aiExplanation: z.string().nullish(),
    explanation: z.string().nullish(),
    timeline: z
      .array(z.object({ status: z.string(), at: z.string(), note: z.string().nullish() }))
      .default([]),
    temporalUrl: z.string().nullish(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .loose();
export type QueueItem = z.infer<typeof queueItemSchema>;

export function explanationOf(t: QueueItem): string | null {
  return t.aiExplanation ?? t.explanation ?? t.fraud?.explanation ?? null;
}

export function reasonText(r: z.infer<typeof reasonSchema>): string {
  if (typeof r === 'string') return r;
  const base = r.message ?? r.rule ?? 'rule';
  const value = r.value === undefined ? '' : `: ${String(r.value)}`;
  const weight = r.weight === undefined ? '' : ` (+${r.weight})`;
  return `${base}${value}${weight}`;
}

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullish() });

export const supportKeys = {
  queue: (q: Queue) => ['support', 'queue', q] as const,
  kyc: ['support', 'kyc'] as const,
  audit: ['support', 'audit'] as const,
};

export const getQueue = (state: Queue) =>
  request('/support/transfers', page(queueItemSchema), { query: { state, limit: 50 } });

export type TransferAction = 'approve' | 'reject' | 'retry' | 'cancel' | 'reverse';
/** Which actions make sense in which state (the API still has the last word: 409 with a reason). */
export function actionsFor(status: string, queue?: Queue): TransferAction[] {
  if (status === 'AWAITING_REVIEW') return ['approve', 'reject'];
  if (status === 'NEEDS_ATTENTION') return ['retry', 'cancel'];
  if (status === 'COMPLETED') return ['reverse'];
  if (queue === 'STUCK') return ['retry', 'cancel'];
  return [];
}

/** One transfer by id (staff see any), for the lookup in the support console. */
export function useTransferLookup(id: string) {
  return useQuery({
    queryKey: ['support', 'transfer', id] as const,
    queryFn: () => request(`/transfers/${encodeURIComponent(id)}`, queueItemSchema),
    enabled: id.length > 0,
    retry: false,
  });
}

export const transferAction = (id: string, action: TransferAction, reason: string) =>
  request(`/support/transfers/${encodeURIComponent(id)}/${action}`, z.unknown(), {
    body: { reason },
  });

export function useQueue(state: Queue) {
  // Live: the queue refreshes every 4 s and after every action.
  return useQuery({
    queryKey: supportKeys.queue(state),
    queryFn: () => getQueue(state),
    select: (p) => p.items,
    refetchInterval: 4000,
  });
}

export function useTransferAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: TransferAction; reason: string }) =>
      transferAction(id, action, reason),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['support'] });
    },
  });
}

// ---- KYC review ----
export const kycApplicationSchema = z
  .object({
    customerId: z.string(),
    id: z.string().optional(),
    status: z.string().optional(),
    legalName: z.string().nullish(),
    dateOfBirth: z.string().nullish(),
    country: z.string().nullish(),
    address: z
      .object({
        line1: z.string().optional(),
        line2: z.string().nullish(),
        city: z.string().optional(),
        postalCode: z.string().optional(),
        country: z.string().optional(),
      })
      .loose()
      .nullish(),
    nationalIdLast4: z.string().nullish(),
    nationalIdMasked: z.string().nullish(),
    reasons: z.array(z.string()).nullish(),
    screening: z
      .object({
        score: z.number().nullish(),
        list: z.string().nullish(),
        matchedName: z.string().nullish(),
      })
      .loose()
      .nullish(),
    documents: z
      .array(
        z
          .object({
            id: z.string(),
            kind: z.string().optional(),
            mimeType: z.string().optional(),
            originalName: z.string().nullish(),
            sizeBytes: z.number().optional(),
          })
          .loose(),
      )
      .nullish(),
    createdAt: z.string().optional(),
    escalatedAt: z.string().nullish(),
  })
  .loose();
export type KycApplication = z.infer<typeof kycApplicationSchema>;

export const getKycQueue = () =>
  request('/support/kyc', page(kycApplicationSchema), {
    query: { status: 'IN_REVIEW', limit: 50 },
  });

export function useKycQueue() {
  return useQuery({
    queryKey: supportKeys.kyc,
    queryFn: getKycQueue,
    select: (p) => p.items,
    refetchInterval: 5000,
  });
}

export function useKycDecision() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      customerId,
      decision,
      reason,
    }: {
      customerId: string;
      decision: 'approve' | 'reject';
      reason: string;
    }) =>
      request(`/support/kyc/${encodeURIComponent(customerId)}/${decision}`, z.unknown(), {
        body: { reason },
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: supportKeys.kyc }),
  });
}

// ---- accounts ----
export function useFreezeAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      accountId,
      freeze,
      reason,
    }: {
      accountId: string;
      freeze: boolean;
      reason: string;
    }) =>
      request(
        `/support/accounts/${encodeURIComponent(accountId)}/${freeze ? 'freeze' : 'unfreeze'}`,
        z.unknown(),
        { body: { reason } },
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: supportKeys.audit }),
  });
}

// ---- audit ----
export const auditEntrySchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    actor: z.string(),
    actorRoles: z.array(z.string()).nullish(),
    action: z.string(),
    target: z.string(),
    reason: z.string().nullish(),
    details: z.record(z.string(), z.unknown()).nullish(),
    at: z.string(),
  })
  .loose();
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export function useAuditLog() {
  return useInfiniteQuery({
    queryKey: supportKeys.audit,
    queryFn: ({ pageParam }) =>
      request('/support/audit', page(auditEntrySchema), {
        query: { limit: 50, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}
