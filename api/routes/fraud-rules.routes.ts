/**
 * Fraud rules (ops) and fraud-case explanations (support):
 * - GET/POST /ops/fraud-rules, PATCH /ops/fraud-rules/:id: rules are data (type, params, weight,
 *   action, active), validated per type; every change is audited.
 * - GET /support/fraud-cases/:transferId: the case (score, decision, reasons) with a short
 *   explanation for the reviewer (model, or a labelled local one).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../../activities/audit/audit';
import { createFraudExplainer } from '../../activities/ai/fraud-explainer';
import { createFraudRulesService } from '../../activities/fraud/fraud-rules.service';
import {
  RULE_ACTIONS,
  RULE_TYPES,
  type RuleAction,
  type RuleType,
} from '../../activities/fraud/rules';
import { principalOf } from '../plugins/access';
import { errors, Id, IdParams, Timestamp } from '../schemas/common';

const RuleView = Type.Object({
  id: Type.String(),
  ruleSet: Type.String(),
  name: Type.String(),
  type: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  weight: Type.Integer(),
  action: Type.String(),
  active: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const RuleType_ = Type.Union(RULE_TYPES.map((t) => Type.Literal(t)));
const Action = Type.Union(RULE_ACTIONS.map((a) => Type.Literal(a)));
const Weight = Type.Integer({ minimum: 0, maximum: 100 });
const Params = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Per rule type; see activities/fraud/rules.ts',
});

const fraudRulesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const rules = createFraudRulesService(db);
  const explainer = createFraudExplainer({ db, config: app.deps.config, logger: app.log as never });

  app.get(
    '/ops/fraud-rules',
    {
      config: { access: { roles: ['ops'] } },
      schema: {
        tags: ['ops'],
        summary: 'List fraud rules of a rule set (default: the live set)',
        querystring: Type.Object(
          { ruleSet: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(RuleView) }) },
      },
    },
    async (request) => ({ items: await rules.list(request.query.ruleSet ?? 'default') }),
  );

  app.post(
    '/ops/fraud-rules',
    {
      config: { access: { roles: ['ops'] }, idempotency: true },
      schema: {
        tags: ['ops'],
        summary: 'Create a fraud rule',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            type: RuleType_,
            params: Type.Optional(Params),
            weight: Weight,
            action: Type.Optional(Action),
            active: Type.Optional(Type.Boolean()),
            ruleSet: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: RuleView },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const rule = await rules.create({
        ...request.body,
        type: request.body.type as RuleType,
        action: request.body.action as RuleAction | undefined,
      });
      await recordAudit(db, {
        actor: p.userId,
        actorRoles: p.roles,
        action: 'fraud_rule.create',
        target: rule.id,
        details: { ...rule },
      });
      return reply.code(201).send(rule);
    },
  );

  app.patch(
    '/ops/fraud-rules/:id',
    {
      config: { access: { roles: ['ops'] } },
      schema: {
        tags: ['ops'],
        summary: 'Change a fraud rule (params, weight, action, active, name)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            params: Type.Optional(Params),
            weight: Type.Optional(Weight),
            action: Type.Optional(Action),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: RuleView },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const rule = await rules.update(request.params.id, {
        ...request.body,
        action: request.body.action as RuleAction | undefined,
      });
      await recordAudit(db, {
        actor: p.userId,
        actorRoles: p.roles,
        action: 'fraud_rule.update',
        target: rule.id,
        details: { changes: request.body },
      });
      return rule;
    },
  );

  app.get(
    '/support/fraud-cases/:transferId',
    {
      config: { access: { roles: ['support'] } },
      schema: {
        tags: ['support'],
        summary: "A transfer's fraud case with an explanation for the reviewer",
        params: Type.Object(
          { transferId: Id('Transfer id (trf_…)') },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            transferId: Type.String(),
            caseId: Type.String(),
            score: Type.Integer(),
            decision: Type.String(),
            reasons: Type.Array(
              Type.Object({ rule: Type.String(), value: Type.String(), weight: Type.Number() }),
            ),
            degraded: Type.Boolean(),
            explanation: Type.String(),
            explanationSource: Type.String(),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const c = await rules.getCase(request.params.transferId);
      const e = await explainer.explain(request.params.transferId);
      return {
        transferId: e.transferId,
        caseId: e.caseId,
        score: e.score,
        decision: e.decision,
        reasons: c?.reasons ?? [],
        degraded: c?.degraded ?? false,
        explanation: e.explanation,
        explanationSource: e.source,
      };
    },
  );
};

export default fraudRulesRoutes;
