/**
 * Ops management of fraud rules (the API's /ops/fraud-rules routes use this) and reads of fraud
 * cases for reviewers. Params are validated against the rule type's schema on every write.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { fraudCases, fraudRules } from '../../db/schema';
import { DomainError } from '../../domain/errors';
import { RULE_ACTIONS, isRuleType, parseRuleParams, type RuleAction, type RuleType } from './rules';

export interface FraudRuleInput {
  name: string;
  type: RuleType;
  params?: Record<string, unknown>;
  weight: number;
  action?: RuleAction;
  active?: boolean;
  ruleSet?: string;
}

export type FraudRulePatch = Partial<Omit<FraudRuleInput, 'type' | 'ruleSet'>>;

export interface FraudRuleView {
  id: string;
  ruleSet: string;
  name: string;
  type: string;
  params: Record<string, unknown>;
  weight: number;
  action: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

function view(r: typeof fraudRules.$inferSelect): FraudRuleView {
  return {
    id: r.id,
    ruleSet: r.ruleSet,
    name: r.name,
    type: r.type,
    params: r.params,
    weight: r.weight,
    action: r.action,
    active: r.active,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new DomainError('VALIDATION_FAILED', 'weight must be an integer 0..100');
  }
}

function checkAction(action: string): void {
  if (!(RULE_ACTIONS as readonly string[]).includes(action)) {
    throw new DomainError('VALIDATION_FAILED', `action must be one of ${RULE_ACTIONS.join(', ')}`);
  }
}

export function newFraudRuleId(): string {
  return `frl_${randomBytes(12).toString('base64url')}`;
}

export function createFraudRulesService(db: Db) {
  return {
    async list(ruleSet = 'default'): Promise<FraudRuleView[]> {
      const rows = await db
        .select()
        .from(fraudRules)
        .where(eq(fraudRules.ruleSet, ruleSet))
        .orderBy(asc(fraudRules.createdAt), asc(fraudRules.id));
      return rows.map(view);
    },

    async get(id: string): Promise<FraudRuleView> {
      const [row] = await db.select().from(fraudRules).where(eq(fraudRules.id, id));
      if (!row) throw new DomainError('NOT_FOUND', 'fraud rule not found', { id });
      return view(row);
    },

    async create(input: FraudRuleInput): Promise<FraudRuleView> {
      if (!isRuleType(input.type))
        throw new DomainError('VALIDATION_FAILED', `unknown rule type: ${String(input.type)}`);
      const params = parseRuleParams(input.type, input.params ?? {});
      if (!params.ok) throw new DomainError('VALIDATION_FAILED', `invalid params: ${params.error}`);
      checkWeight(input.weight);
      const action = input.action ?? 'SCORE';
      checkAction(action);
      const [row] = await db
        .insert(fraudRules)
        .values({
          id: newFraudRuleId(),
          ruleSet: input.ruleSet ?? 'default',
          name: input.name,
          type: input.type,
          params: params.params,
          weight: input.weight,
          action,
          active: input.active ?? true,
        })
        .returning();
      return view(row!);
    },

    async update(id: string, patch: FraudRulePatch): Promise<FraudRuleView> {
      const [current] = await db.select().from(fraudRules).where(eq(fraudRules.id, id));
      if (!current) throw new DomainError('NOT_FOUND', 'fraud rule not found', { id });
      const set: Partial<typeof fraudRules.$inferInsert> = { updatedAt: new Date() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.weight !== undefined) {
        checkWeight(patch.weight);
        set.weight = patch.weight;
      }
      if (patch.action !== undefined) {
        checkAction(patch.action);
        set.action = patch.action;
      }
      if (patch.active !== undefined) set.active = patch.active;
      if (patch.params !== undefined) {
        const params = parseRuleParams(current.type as RuleType, patch.params);
        if (!params.ok)
          throw new DomainError('VALIDATION_FAILED', `invalid params: ${params.error}`);
        set.params = params.params;
      }
      const [row] = await db.update(fraudRules).set(set).where(eq(fraudRules.id, id)).returning();
      return view(row!);
    },

    async getCase(transferId: string) {
      const [row] = await db.select().from(fraudCases).where(eq(fraudCases.transferId, transferId));
      return row;
    },

    async casesForAccount(accountId: string, limit = 50) {
      return db
        .select()
        .from(fraudCases)
        .where(and(eq(fraudCases.fromAccountId, accountId)))
        .orderBy(asc(fraudCases.occurredAt))
        .limit(limit);
    },
  };
}

export type FraudRulesService = ReturnType<typeof createFraudRulesService>;
