import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';

// ---- deposits ----
export const depositBody = z.object({
  accountId: z.string().min(1, 'Enter the account id.'),
  amount: z.number().int().positive().max(1_000_000_000_000_000),
  currency: z.enum(['USD', 'EUR', 'GBP', 'JPY', 'CHF']),
  reference: z
    .string()
    .trim()
    .min(1, 'Enter a reference.')
    .max(100)
    .regex(/^[\x21-\x7e]+$/, 'Use letters, digits and punctuation, without spaces.'),
});
export type DepositBody = z.infer<typeof depositBody>;

export function useDeposit() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: DepositBody; key: string }) =>
      request('/ops/deposits', z.unknown(), { body, idempotencyKey: key }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['ops'] }),
  });
}

// ---- ledger invariant ----
const totalsSchema = z.union([
  z.record(z.string(), z.unknown()),
  z.array(z.object({ currency: z.string() }).loose()),
]);
export const invariantSchema = z
  .object({
    problems: z.array(z.string()).default([]),
    balanced: z.boolean(),
    totals: totalsSchema.optional(),
    checkedAt: z.string().optional(),
  })
  .loose();
export type Invariant = z.infer<typeof invariantSchema>;

export function useLedgerInvariant() {
  return useQuery({
    queryKey: ['ops', 'invariant'],
    queryFn: () => request('/ops/ledger/invariant', invariantSchema),
    refetchInterval: 10_000,
  });
}

/** Normalises "totals per currency" (object keyed by currency, or a list) into rows. */
export function totalsRows(
  inv: Invariant,
): { currency: string; values: Record<string, unknown> }[] {
  const t = inv.totals;
  if (!t) return [];
  if (Array.isArray(t))
    return t.map((r) => ({ currency: r.currency, values: r as Record<string, unknown> }));
  return Object.entries(t).map(([currency, v]) => ({
    currency,
    values: typeof v === 'object' && v ? (v as Record<string, unknown>) : { total: v },
  }));
}

// ---- fraud rules ----
export const fraudRuleSchema = z
  .object({
    id: z.string(),
    ruleSet: z.string().optional(),
    name: z.string(),
    type: z.string(),
    params: z.record(z.string(), z.unknown()).default({}),
    weight: z.number(),
    action: z.string().default('SCORE'),
    active: z.boolean().default(true),
    updatedAt: z.string().optional(),
  })
  .loose();
export type FraudRule = z.infer<typeof fraudRuleSchema>;

const rulesSchema = z.union([
  z.object({ items: z.array(fraudRuleSchema), nextCursor: z.string().nullish() }),
  z.array(fraudRuleSchema).transform((items) => ({ items, nextCursor: null })),
]);

export const RULE_ACTIONS = ['SCORE', 'REVIEW', 'BLOCK', 'ALLOW'] as const;
export const newRuleBody = z.object({
  name: z.string().trim().min(1, 'Name the rule.').max(100),
  type: z.string().trim().min(1, 'Enter the rule type.').max(60),
  params: z.record(z.string(), z.unknown()),
  weight: z.number().int().min(0).max(100),
  action: z.enum(RULE_ACTIONS),
  active: z.boolean(),
});
export type NewRuleBody = z.infer<typeof newRuleBody>;

export function useFraudRules() {
  return useQuery({
    queryKey: ['ops', 'fraud-rules'],
    queryFn: () => request('/ops/fraud-rules', rulesSchema),
    select: (d) => d.items,
  });
}

export function useCreateRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: NewRuleBody; key: string }) =>
      request('/ops/fraud-rules', z.unknown(), { body, idempotencyKey: key }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['ops', 'fraud-rules'] }),
  });
}

export function useUpdateRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      patch,
    }: {
      id: string;
      patch: Partial<Pick<FraudRule, 'active' | 'weight' | 'action'>>;
    }) =>
      request(`/ops/fraud-rules/${encodeURIComponent(id)}`, z.unknown(), {
        method: 'PATCH',
        body: patch,
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['ops', 'fraud-rules'] }),
  });
}
