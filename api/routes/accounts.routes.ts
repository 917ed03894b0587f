/**
 * /api/v1/accounts reads: list, one (with balances), ledger entries with running balance,
 * monthly statements (CSV or PDF), and close. Opening accounts (POST /accounts) belongs to the
 * onboarding routes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, desc, eq, gt, gte, lt, type SQL } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import { Type } from 'typebox';
import { recordAudit } from '../../activities/audit/audit';
import {
  balancesOf,
  createLedgerService,
  type LedgerAccount,
} from '../../activities/ledger/ledger.service';
import { accounts, ledgerEntries, ledgerTransfers } from '../../db/schema/ledger';
import { DomainError } from '../../domain/errors';
import { formatMajor, type Currency } from '../../domain/money';
import { customerScope, isStaff, principalOf } from '../plugins/access';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from '../lib/pagination';
import { errors, Id, IdParams, MinorAmount, Page, PageQuery, Timestamp } from '../schemas/common';

export const AccountView = Type.Object({
  id: Type.String(),
  number: Type.Union([Type.String(), Type.Null()]),
  type: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  currency: Type.String(),
  status: Type.String({ description: 'ACTIVE | FROZEN | CLOSED' }),
  customerId: Type.Union([Type.String(), Type.Null()]),
  balances: Type.Object({ posted: MinorAmount, pending: MinorAmount, available: MinorAmount }),
  createdAt: Timestamp,
});

const EntryView = Type.Object({
  id: Type.String(),
  transferId: Type.String(),
  kind: Type.String(),
  direction: Type.String({ description: 'debit | credit' }),
  amount: MinorAmount,
  currency: Type.String(),
  balanceAfter: MinorAmount,
  counterpartyAccountId: Type.String(),
  reference: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

export function accountView(a: LedgerAccount) {
  const b = balancesOf(a);
  return {
    id: a.id,
    number: a.number,
    type: a.type,
    kind: a.kind,
    currency: a.currency,
    status: a.status,
    customerId: a.customerId,
    balances: {
      posted: Number(b.posted),
      pending: Number(b.pending),
      available: Number(b.available),
    },
    createdAt: a.createdAt.toISOString(),
  };
}

const anyRole = ['customer', 'support', 'ops'] as const;
const ownAccount = { access: { roles: anyRole, resource: { kind: 'account' as const } } };

interface StatementLine {
  at: Date;
  transferId: string;
  reference: string | null;
  direction: 'debit' | 'credit';
  amount: bigint;
  balanceAfter: bigint;
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function renderCsv(
  account: LedgerAccount,
  month: string,
  opening: bigint,
  lines: StatementLine[],
): string {
  const cur = account.currency as Currency;
  const out = [
    'date,transfer_id,reference,debit,credit,balance',
    `${month}-01,,opening balance,,,${formatMajor(opening, cur)}`,
  ];
  for (const l of lines) {
    out.push(
      [
        l.at.toISOString(),
        csvField(l.transferId),
        csvField(l.reference ?? ''),
        l.direction === 'debit' ? formatMajor(l.amount, cur) : '',
        l.direction === 'credit' ? formatMajor(l.amount, cur) : '',
        formatMajor(l.balanceAfter, cur),
      ].join(','),
    );
  }
  return `${out.join('\n')}\n`;
}

function renderPdf(
  account: LedgerAccount,
  month: string,
  opening: bigint,
  lines: StatementLine[],
): Promise<Buffer> {
  const cur = account.currency as Currency;
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Statement ${month}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(18).text('Harbor Bank — Account statement');
    doc.moveDown(0.5).fontSize(10);
    doc.text(`Account: ${account.number ?? account.id}   Currency: ${cur}   Period: ${month}`);
    doc.text(`Opening balance: ${formatMajor(opening, cur)}`);
    doc.moveDown();
    for (const l of lines) {
      const sign = l.direction === 'debit' ? '-' : '+';
      doc.text(
        `${l.at.toISOString().slice(0, 10)}  ${sign}${formatMajor(l.amount, cur)}  balance ${formatMajor(l.balanceAfter, cur)}  ${l.reference ?? l.transferId}`,
      );
    }
    const closing = lines.length ? lines[lines.length - 1]!.balanceAfter : opening;
    doc.moveDown().text(`Closing balance: ${formatMajor(closing, cur)}`);
    doc.end();
  });
}

const accountsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const ledger = createLedgerService(db);

  app.get(
    '/accounts',
    {
      config: { access: { roles: anyRole } },
      schema: {
        tags: ['accounts'],
        summary: 'List accounts (customers: their own; staff: any, optionally by customer)',
        querystring: Type.Object(
          { ...PageQuery, customerId: Type.Optional(Id('Staff only: filter by customer')) },
          { additionalProperties: false },
        ),
        response: { 200: Page(AccountView), ...errors(404) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const own = customerScope(request);
      // A customer naming another customer gets the same 404 as for any foreign resource.
      if (own && request.query.customerId && request.query.customerId !== own) {
        throw new DomainError('NOT_FOUND', 'No such customer', {
          customerId: request.query.customerId,
        });
      }
      const scope = own ?? request.query.customerId;
      const cursor = decodeCursor<{ id: string }>(request.query.cursor);
      const where: SQL[] = [eq(accounts.kind, 'customer')];
      if (scope) where.push(eq(accounts.customerId, scope));
      if (cursor) where.push(gt(accounts.id, String(cursor.id)));
      const rows = await db
        .select()
        .from(accounts)
        .where(and(...where))
        .orderBy(asc(accounts.id))
        .limit(limit + 1);
      return pageOf(rows, limit, (r) => ({ id: r.id }), accountView);
    },
  );

  app.get(
    '/accounts/:id',
    {
      config: ownAccount,
      schema: {
        tags: ['accounts'],
        summary: 'One account with balances (posted, pending, available)',
        params: IdParams,
        response: { 200: AccountView },
      },
    },
    // The access check has just read this account's row (request.resource).
    async (request) =>
      accountView(
        (request.resource as LedgerAccount | null) ?? (await ledger.getAccount(request.params.id)),
      ),
  );

  app.get(
    '/accounts/:id/entries',
    {
      config: ownAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Ledger entries with running balance, newest first',
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(EntryView) },
      },
    },
    async (request) => {
      const page = await ledger.listEntries(request.params.id, {
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
        cursor: request.query.cursor ?? null,
      });
      return {
        items: page.items.map((e) => ({
          ...e,
          amount: Number(e.amount),
          balanceAfter: Number(e.balanceAfter),
          createdAt: e.createdAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/accounts/:id/statement',
    {
      config: ownAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Monthly statement as CSV or PDF',
        params: IdParams,
        querystring: Type.Object(
          {
            // Years Postgres and the ledger can hold (year 0000 was a 500 found by fuzzing).
            month: Type.String({
              pattern: '^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$',
              description: 'YYYY-MM, 1970-01 to 2999-12',
            }),
            format: Type.Optional(
              Type.Union([Type.Literal('csv'), Type.Literal('pdf')], { default: 'csv' }),
            ),
          },
          { additionalProperties: false },
        ),
        // Per-status media types: the file on 200, JSON error bodies on 4xx (not `produces`,
        // which would claim every status answers CSV/PDF).
        response: {
          200: {
            description: 'The statement file',
            content: {
              'text/csv': { schema: Type.String() },
              'application/pdf': { schema: Type.String({ format: 'binary' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { month } = request.query;
      const format = request.query.format ?? 'csv';
      const account = await ledger.getAccount(id);
      const start = new Date(`${month}-01T00:00:00.000Z`);
      const end = new Date(start);
      end.setUTCMonth(end.getUTCMonth() + 1);
      const [before] = await db
        .select({ balanceAfter: ledgerEntries.balanceAfter })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.accountId, id), lt(ledgerEntries.createdAt, start)))
        .orderBy(desc(ledgerEntries.id))
        .limit(1);
      const rows = await db
        .select({
          at: ledgerEntries.createdAt,
          transferId: ledgerEntries.transferId,
          reference: ledgerTransfers.reference,
          direction: ledgerEntries.direction,
          amount: ledgerEntries.amount,
          balanceAfter: ledgerEntries.balanceAfter,
        })
        .from(ledgerEntries)
        .innerJoin(ledgerTransfers, eq(ledgerTransfers.id, ledgerEntries.transferId))
        .where(
          and(
            eq(ledgerEntries.accountId, id),
            gte(ledgerEntries.createdAt, start),
            lt(ledgerEntries.createdAt, end),
          ),
        )
        .orderBy(asc(ledgerEntries.id))
        .limit(10_000);
      const opening = before?.balanceAfter ?? 0n;
      const filename = `statement-${account.number ?? account.id}-${month}.${format}`;
      reply.header('content-disposition', `attachment; filename="${filename}"`);
      if (format === 'pdf') {
        reply.type('application/pdf');
        // A Buffer bypasses the response serializer.
        return reply.send((await renderPdf(account, month, opening, rows)) as unknown as string);
      }
      reply.type('text/csv; charset=utf-8');
      return reply.send(renderCsv(account, month, opening, rows));
    },
  );

  app.post(
    '/accounts/:id/close',
    {
      config: ownAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Close an account (zero balance, no open holds)',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: AccountView, ...errors(409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const current = await ledger.getAccount(id);
      if (current.kind !== 'customer')
        throw new DomainError('INVALID_STATE', 'Only customer accounts can be closed');
      const closed = await ledger.setAccountStatus(id, 'CLOSED');
      const p = principalOf(request);
      if (isStaff(p)) {
        await recordAudit(db, {
          actor: p.userId,
          actorRoles: p.roles,
          action: 'account.close',
          target: id,
          reason: request.body?.reason ?? null,
        });
      }
      return accountView(closed);
    },
  );
};

export default accountsRoutes;
