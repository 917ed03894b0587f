/**
 * /api/v1/ops: deposits from the settlement account, the ledger invariant, and user roles.
 * Every action is audited. Fraud rules live with the fraud domain's routes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../../activities/audit/audit';
import { checkInvariant } from '../../activities/ledger/invariant';
import { createLedgerService } from '../../activities/ledger/ledger.service';
import { USER_ROLES, type UserRole } from '../../db/schema/auth';
import { DomainError } from '../../domain/errors';
import { isOpaqueId } from '../../domain/ids';
import { setUserRoles } from '../lib/users';
import { principalOf } from '../plugins/access';
import { accountView, AccountView } from './accounts.routes';
import { UserView } from './auth.routes';
import {
  Currency,
  errors,
  Id,
  IdParams,
  MinorAmount,
  PositiveAmount,
  Timestamp,
} from '../schemas/common';

const ops = ['ops'] as const;

const Totals = Type.Object({
  debitsPosted: MinorAmount,
  creditsPosted: MinorAmount,
  debitsPending: MinorAmount,
  creditsPending: MinorAmount,
});

/** Ledger transfer id of a deposit: one per reference, so a repeated reference never pays twice. */
export const depositTransferId = (reference: string) => `deposit:${reference}`;

const opsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const ledger = createLedgerService(db);

  app.post(
    '/ops/deposits',
    {
      config: { access: { roles: ops }, idempotency: true },
      schema: {
        tags: ['ops'],
        summary: 'Deposit into an account, funded from the settlement account',
        description:
          'The `reference` identifies the deposit: the same reference with the same fields is a no-op, ' +
          'with different fields a 409.',
        body: Type.Object(
          {
            accountId: Id('Customer account (acc_…)'),
            amount: PositiveAmount,
            currency: Currency,
            reference: Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.String(),
            accountId: Type.String(),
            amount: MinorAmount,
            currency: Type.String(),
            reference: Type.String(),
            replayed: Type.Boolean(),
            createdAt: Timestamp,
            account: AccountView,
          }),
          ...errors(404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { accountId, amount, currency, reference } = request.body;
      if (!isOpaqueId(accountId, 'account')) {
        throw new DomainError('ACCOUNT_NOT_FOUND', 'No such account', { accountId });
      }
      const target = await ledger.getAccount(accountId);
      if (target.kind !== 'customer')
        throw new DomainError('INVALID_STATE', 'Deposits go to customer accounts');
      const result = await ledger.deposit({
        id: depositTransferId(reference),
        accountId,
        amount: BigInt(amount),
        currency,
        reference,
      });
      const p = principalOf(request);
      await recordAudit(db, {
        actor: p.userId,
        actorRoles: p.roles,
        action: 'deposit.create',
        target: accountId,
        reason: reference,
        details: {
          amount: String(amount),
          currency,
          ledgerTransferId: result.transfer.id,
          replayed: result.replayed,
        },
      });
      return reply.code(201).send({
        id: result.transfer.id,
        accountId,
        amount,
        currency,
        reference,
        replayed: result.replayed,
        createdAt: result.transfer.createdAt.toISOString(),
        account: accountView(await ledger.getAccount(accountId)),
      });
    },
  );

  app.get(
    '/ops/ledger/invariant',
    {
      config: { access: { roles: ops } },
      schema: {
        tags: ['ops'],
        summary: 'Ledger invariant: per currency, debits equal credits (posted and pending)',
        response: {
          200: Type.Object({
            balanced: Type.Boolean(),
            totals: Type.Record(Type.String(), Totals),
            problems: Type.Array(Type.String()),
          }),
        },
      },
    },
    async () => {
      const report = await checkInvariant(db);
      const totals = Object.fromEntries(
        Object.entries(report.totals).map(([cur, t]) => [
          cur,
          {
            debitsPosted: Number(t.debitsPosted),
            creditsPosted: Number(t.creditsPosted),
            debitsPending: Number(t.debitsPending),
            creditsPending: Number(t.creditsPending),
          },
        ]),
      );
      return { balanced: report.balanced, totals, problems: report.problems };
    },
  );

  app.post(
    '/ops/users/:id/roles',
    {
      config: { access: { roles: ops, resource: { kind: 'user' } } },
      schema: {
        tags: ['ops'],
        summary: 'Set a user’s roles',
        description:
          'Takes effect at the user’s next token refresh (access tokens live 15 minutes).',
        params: IdParams,
        body: Type.Object(
          {
            roles: Type.Array(Type.Unsafe<UserRole>({ type: 'string', enum: [...USER_ROLES] }), {
              minItems: 1,
              maxItems: 3,
              uniqueItems: true,
            }),
            reason: Type.String({ minLength: 3, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: UserView },
      },
    },
    async (request) => {
      const { id } = request.params;
      const user = await setUserRoles(db, id, request.body.roles);
      if (!user) throw new DomainError('NOT_FOUND', 'No such user', { id });
      const p = principalOf(request);
      await recordAudit(db, {
        actor: p.userId,
        actorRoles: p.roles,
        action: 'user.roles.set',
        target: id,
        reason: request.body.reason,
        details: { roles: request.body.roles },
      });
      return user;
    },
  );
};

export default opsRoutes;
