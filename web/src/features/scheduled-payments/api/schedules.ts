import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';

export const FREQUENCIES = ['ONCE', 'WEEKLY', 'MONTHLY', 'CRON'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const scheduleSpecSchema = z
  .object({
    frequency: z.string(),
    startAt: z.string().optional(),
    dayOfMonth: z.number().int().nullish(),
    cron: z.string().nullish(),
    endAt: z.string().nullish(),
    maxCount: z.number().int().nullish(),
  })
  .loose();

export const occurrenceSchema = z
  .object({
    dueDate: z.string().optional(),
    dueAt: z.string().optional(),
    status: z.string(),
    transferId: z.string().nullish(),
    attempts: z.number().nullish(),
    reason: z.string().nullish(),
    failureCode: z.string().nullish(),
  })
  .loose();
export type Occurrence = z.infer<typeof occurrenceSchema>;

export const scheduledPaymentSchema = z.object({
  id: z.string(),
  fromAccountId: z.string(),
  toAccountId: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  memo: z.string().nullish(),
  status: z.string(),
  /** Only on GET /scheduled-payments/:id; the list items carry no spec. */
  schedule: scheduleSpecSchema.optional(),
  occurrenceCount: z.number().int().optional(),
  pausedReason: z.string().nullish(),
  temporalUrl: z.string().optional(),
  nextRunAt: z.string().nullish(),
  occurrences: z.array(occurrenceSchema).default([]),
  createdAt: z.string().optional(),
});
export type ScheduledPayment = z.infer<typeof scheduledPaymentSchema>;

const listSchema = z.object({
  items: z.array(scheduledPaymentSchema),
  nextCursor: z.string().nullish(),
});
type ScheduledPaymentList = z.infer<typeof listSchema>;

/** The create body, with the API's rules: each frequency needs its own fields. */
export const createScheduleBody = z
  .object({
    fromAccountId: z.string().min(1, 'Choose the account to pay from.'),
    toAccountId: z.string().min(1, 'Enter the account to pay.'),
    amount: z.number().int().positive(),
    currency: z.enum(['USD', 'EUR', 'GBP', 'JPY', 'CHF']),
    memo: z.string().max(140).optional(),
    schedule: z.object({
      frequency: z.enum(FREQUENCIES),
      startAt: z.string().min(1, 'Choose the first payment date.'),
      dayOfMonth: z.number().int().min(1).max(31).optional(),
      cron: z.string().optional(),
      endAt: z.string().optional(),
      maxCount: z.number().int().positive().optional(),
    }),
  })
  .superRefine((b, ctx) => {
    if (b.schedule.frequency === 'CRON' && !b.schedule.cron?.trim())
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'cron'],
        message: 'Enter a cron expression.',
      });
    if (b.schedule.frequency === 'MONTHLY' && !b.schedule.dayOfMonth)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'dayOfMonth'],
        message: 'Choose the day of the month.',
      });
    if (b.schedule.endAt && b.schedule.endAt <= b.schedule.startAt)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'endAt'],
        message: 'The end date must be after the start.',
      });
    if (b.fromAccountId === b.toAccountId)
      ctx.addIssue({
        code: 'custom',
        path: ['toAccountId'],
        message: 'Choose a different account to pay.',
      });
  });
export type CreateScheduleBody = z.infer<typeof createScheduleBody>;

export interface UpdateScheduleBody {
  amount?: number;
  nextRunAt?: string;
  memo?: string;
}

export const schedulesKey = ['scheduled-payments'] as const;
const one = (id: string) => `/scheduled-payments/${encodeURIComponent(id)}`;

export const listSchedules = () =>
  request('/scheduled-payments', listSchema, { query: { limit: 100 } });
export const getSchedule = (id: string) => request(one(id), scheduledPaymentSchema);
export const createSchedule = (body: CreateScheduleBody, key: string) =>
  request('/scheduled-payments', scheduledPaymentSchema.partial().extend({ id: z.string() }), {
    body,
    idempotencyKey: key,
  });
/** Pause, resume and cancel answer with the schedule as it will be (ScheduleView). */
export const pauseSchedule = (id: string) =>
  request(`${one(id)}/pause`, scheduledPaymentSchema, { method: 'POST' });
export const resumeSchedule = (id: string) =>
  request(`${one(id)}/resume`, scheduledPaymentSchema, { method: 'POST' });
export const updateSchedule = (id: string, body: UpdateScheduleBody) =>
  request(one(id), null, { method: 'PATCH', body });
export const cancelSchedule = (id: string) =>
  request(one(id), scheduledPaymentSchema, { method: 'DELETE' });

export function useSchedules() {
  return useQuery({ queryKey: schedulesKey, queryFn: listSchedules, select: (d) => d.items });
}

export function useSchedule(id: string) {
  return useQuery({ queryKey: [...schedulesKey, id], queryFn: () => getSchedule(id) });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: schedulesKey });
}

export function useCreateSchedule() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ body, key }: { body: CreateScheduleBody; key: string }) =>
      createSchedule(body, key),
    onSuccess: invalidate,
  });
}

export type ScheduleControl = 'pause' | 'resume' | 'cancel';
const EXPECTED: Record<ScheduleControl, string> = {
  pause: 'PAUSED',
  resume: 'ACTIVE',
  cancel: 'CANCELLED',
};

/**
 * The API signals the schedule's workflow and answers with the new status at once, but the list
 * and detail endpoints read a model the workflow updates a moment later. Refetching straight away
 * would show the old status again, so: show the answer, then poll the schedule until the read
 * model agrees (or give up after `timeoutMs`), and only then refetch the lists.
 */
export async function waitForStatus(
  id: string,
  status: string,
  { timeoutMs = 15_000, everyMs = 500 } = {},
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await getSchedule(id)).status === status) return;
    } catch {
      // transient: keep trying until the deadline
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function useScheduleAction() {
  const qc = useQueryClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: ScheduleControl }) =>
      action === 'pause'
        ? pauseSchedule(id)
        : action === 'resume'
          ? resumeSchedule(id)
          : cancelSchedule(id),
    onSuccess: (view, { id, action }) => {
      const status = view.status || EXPECTED[action];
      qc.setQueryData<ScheduledPaymentList>(schedulesKey, (list) =>
        list
          ? {
              ...list,
              items: list.items.map((s) =>
                s.id === id ? { ...s, status, pausedReason: view.pausedReason } : s,
              ),
            }
          : list,
      );
      qc.setQueryData<ScheduledPayment>([...schedulesKey, id], (old) =>
        old ? { ...old, ...view, status } : view,
      );
      void waitForStatus(id, status).then(invalidate);
    },
    onError: () => void invalidate(),
  });
}

export function useUpdateSchedule(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: UpdateScheduleBody) => updateSchedule(id, body),
    onSettled: invalidate,
  });
}

export function describeSchedule(
  s:
    | { frequency: string; dayOfMonth?: number | null; cron?: string | null; startAt?: string }
    | undefined,
): string {
  if (!s) return '';
  const startAt = s.startAt ?? new Date().toISOString();
  switch (s.frequency) {
    case 'ONCE':
      return `Once, on ${new Date(startAt).toLocaleDateString('en-US', { dateStyle: 'medium' })}`;
    case 'WEEKLY':
      return `Every week on ${new Date(startAt).toLocaleDateString('en-US', { weekday: 'long' })}`;
    case 'MONTHLY':
      return `Every month on day ${s.dayOfMonth ?? new Date(startAt).getUTCDate()}${(s.dayOfMonth ?? 0) >= 29 ? ' (or the last day)' : ''}`;
    case 'CRON':
      return `Custom: ${s.cron}`;
    default:
      return s.frequency;
  }
}
