import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { downloadFile, request } from '@/lib/api-client';

export const balancesSchema = z.object({
  posted: z.number().int(),
  pending: z.number().int(),
  available: z.number().int(),
});

export const accountSchema = z.object({
  id: z.string(),
  number: z.string().nullish(),
  type: z
    .string()
    .nullish()
    .transform((t) => t ?? 'ACCOUNT'),
  currency: z.string(),
  status: z.string(),
  balances: balancesSchema,
});
export type Account = z.infer<typeof accountSchema>;

const accountListSchema = z.union([
  z.object({ items: z.array(accountSchema), nextCursor: z.string().nullish() }),
  z.array(accountSchema).transform((items) => ({ items, nextCursor: null })),
]);

export const accountsKey = ['accounts'] as const;

export const getAccounts = () => request('/accounts', accountListSchema, { query: { limit: 100 } });
export const getAccount = (id: string) =>
  request(`/accounts/${encodeURIComponent(id)}`, accountSchema);

export function useAccounts(opts: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: accountsKey,
    queryFn: getAccounts,
    select: (d) => d.items,
    refetchInterval: opts.refetchInterval,
  });
}

export function useAccount(id: string | undefined) {
  return useQuery({
    queryKey: [...accountsKey, id],
    queryFn: () => getAccount(id!),
    enabled: Boolean(id),
  });
}

// ---- open an account ----
export const openAccountInput = z.object({
  type: z.enum(['CHECKING', 'SAVINGS']),
  currency: z.enum(['USD', 'EUR', 'GBP', 'JPY', 'CHF']),
});
export type OpenAccountInput = z.infer<typeof openAccountInput>;

const openAccountResult = z
  .object({ id: z.string(), status: z.string(), workflowId: z.string().optional() })
  .loose();

export const openAccount = (input: OpenAccountInput, idempotencyKey: string) =>
  request('/accounts', openAccountResult, { body: input, idempotencyKey });

export function useOpenAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ input, key }: { input: OpenAccountInput; key: string }) =>
      openAccount(input, key),
    onSuccess: () => qc.invalidateQueries({ queryKey: accountsKey }),
  });
}

// ---- statement ----
export function downloadStatement(account: Account, month: string, format: 'csv' | 'pdf') {
  return downloadFile(
    `/accounts/${encodeURIComponent(account.id)}/statement`,
    { month, format },
    `harbor-statement-${account.number ?? account.id}-${month}.${format}`,
  );
}
