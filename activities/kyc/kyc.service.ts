/**
 * KYC commands and reads for the API and the support console: submit (or resubmit) an
 * application, read the customer's status, list the review queue, and pass support's decision to
 * the workflow (a Workflow Update, so the caller learns the outcome or a clear refusal).
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, desc, eq, gt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { customers, type KycStatus } from '../../db/schema/customers';
import { kycApplications, type KycAddress } from '../../db/schema/kyc';
import { DomainError, isErrorCode } from '../../domain/errors';
import { ID_PREFIX, workflowIds } from '../../domain/ids';
import {
  kycDecisionUpdate,
  type KycDecisionInput,
  type KycState,
} from '../../workflows/kyc.messages';
import { encryptNationalId, lastFour, maskNationalId, normaliseNationalId } from './national-id';

export interface KycServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  encryptionKey: string;
  escalateAfterSeconds: number;
}

export interface KycSubmission {
  legalName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  address: KycAddress;
  nationalId: string;
  idDocumentId?: string;
  proofOfAddressDocumentId?: string;
}

export interface KycSubmitResult {
  status: KycStatus;
  workflowId: string;
  applicationId: string;
  attempt: number;
}

const IN_FLIGHT: KycStatus[] = ['PENDING', 'IN_REVIEW'];

function validate(input: KycSubmission): void {
  const bad = (field: string, message: string) =>
    new DomainError('VALIDATION_FAILED', message, { field });
  if (!input.legalName?.trim() || input.legalName.length > 200)
    throw bad('legalName', 'legalName is required');
  const dob = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.dateOfBirth ?? '');
  const parsed = dob ? new Date(`${input.dateOfBirth}T00:00:00Z`) : null;
  if (
    !parsed ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== input.dateOfBirth
  ) {
    throw bad('dateOfBirth', 'dateOfBirth must be a valid YYYY-MM-DD date');
  }
  if (!input.address?.line1 || !input.address.city || !input.address.postalCode) {
    throw bad('address', 'address needs line1, city and postalCode');
  }
  if (!/^[A-Z]{2}$/.test(input.address.country ?? ''))
    throw bad('address.country', 'country must be ISO 3166-1 alpha-2');
}

export function applicationIdFor(customerId: string, attempt: number): string {
  return `${ID_PREFIX.kyc}_${customerId.replace(/^cus_/, '')}-a${attempt}`;
}

/** Submits a first application or a resubmission after a rejection: a new attempt, a new run. */
export async function submitKyc(
  deps: KycServiceDeps,
  customerId: string,
  input: KycSubmission,
): Promise<KycSubmitResult> {
  validate(input);
  const nationalId = normaliseNationalId(input.nationalId);
  const workflowId = workflowIds.kyc(customerId);
  const [latest] = await deps.db
    .select()
    .from(kycApplications)
    .where(eq(kycApplications.customerId, customerId))
    .orderBy(desc(kycApplications.attempt))
    .limit(1);
  if (latest && IN_FLIGHT.includes(latest.status)) {
    throw new DomainError('INVALID_STATE', 'A KYC application is already being processed', {
      status: latest.status,
    });
  }
  if (latest?.status === 'APPROVED') {
    throw new DomainError('INVALID_STATE', 'KYC is already approved', { status: latest.status });
  }
  const attempt = (latest?.attempt ?? 0) + 1;
  const applicationId = applicationIdFor(customerId, attempt);
  try {
    await deps.db.transaction(async (tx) => {
      await tx.insert(kycApplications).values({
        id: applicationId,
        customerId,
        attempt,
        status: 'PENDING',
        legalName: input.legalName.trim(),
        dateOfBirth: input.dateOfBirth,
        address: input.address,
        country: input.address.country,
        nationalIdEnc: encryptNationalId(nationalId, deps.encryptionKey),
        nationalIdLast4: lastFour(nationalId),
        idDocumentId: input.idDocumentId ?? null,
        proofOfAddressDocumentId: input.proofOfAddressDocumentId ?? null,
        workflowId,
      });
      await tx
        .update(customers)
        .set({ kycStatus: 'PENDING', updatedAt: new Date() })
        .where(eq(customers.id, customerId));
    });
  } catch (err) {
    if (
      (err as { code?: string }).code === '23505' ||
      (err as { cause?: { code?: string } }).cause?.code === '23505'
    ) {
      throw new DomainError(
        'REQUEST_IN_PROGRESS',
        'A KYC submission for this customer is in progress',
      );
    }
    throw err;
  }
  try {
    await deps.temporal.workflow.start('kycWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      args: [
        { customerId, applicationId, attempt, escalateAfterSeconds: deps.escalateAfterSeconds },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw new DomainError('INVALID_STATE', 'A KYC workflow is already running for this customer');
  }
  return { status: 'PENDING', workflowId, applicationId, attempt };
}

export interface KycApplicationView {
  applicationId: string;
  customerId: string;
  attempt: number;
  status: KycStatus;
  reasons: string[];
  legalName: string;
  country: string;
  nationalIdMasked: string;
  screening: {
    score: number;
    list: string | null;
    matchedEntryId: string | null;
    matchedName: string | null;
  } | null;
  escalated: boolean;
  decidedBy: string | null;
  decisionReason: string | null;
  decidedAt: string | null;
  workflowId: string;
  createdAt: string;
}

function view(row: typeof kycApplications.$inferSelect): KycApplicationView {
  return {
    applicationId: row.id,
    customerId: row.customerId,
    attempt: row.attempt,
    status: row.status,
    reasons: row.reasons,
    legalName: row.legalName,
    country: row.country,
    nationalIdMasked: maskNationalId(row.nationalIdLast4),
    screening: row.screening,
    escalated: row.escalatedAt !== null,
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    workflowId: row.workflowId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The customer's status (latest attempt) and the history of attempts, newest first. */
export async function getKycStatus(
  db: Db,
  customerId: string,
): Promise<{ status: KycStatus; reasons: string[]; attempts: KycApplicationView[] }> {
  const rows = await db
    .select()
    .from(kycApplications)
    .where(eq(kycApplications.customerId, customerId))
    .orderBy(desc(kycApplications.attempt));
  const latest = rows[0];
  return {
    status: latest?.status ?? 'NOT_STARTED',
    reasons: latest?.reasons ?? [],
    attempts: rows.map(view),
  };
}

/** The support queue: applications by status, oldest first, escalated ones first. */
export async function listKycQueue(
  db: Db,
  q: { status?: KycStatus; limit?: number; cursor?: string },
): Promise<{ items: KycApplicationView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 20, 1), 100);
  const where = [eq(kycApplications.status, q.status ?? 'IN_REVIEW')];
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
    const createdAt = new Date(at ?? '');
    if (!id || Number.isNaN(createdAt.getTime())) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { field: 'cursor' });
    }
    where.push(
      or(
        gt(kycApplications.createdAt, createdAt),
        and(eq(kycApplications.createdAt, createdAt), gt(kycApplications.id, id)),
      )!,
    );
  }
  const rows = await db
    .select()
    .from(kycApplications)
    .where(and(...where))
    .orderBy(asc(kycApplications.createdAt), asc(kycApplications.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
        : null,
  };
}

/** Support's approve/reject on the customer's application in review. */
export async function decideKyc(
  deps: Pick<KycServiceDeps, 'db' | 'temporal'>,
  customerId: string,
  decision: KycDecisionInput,
): Promise<KycState> {
  // The workflow is the authority on whether it awaits a decision (its update validator refuses
  // otherwise); Postgres mirrors it a moment later, so it is not consulted here.
  const handle = deps.temporal.workflow.getHandle(workflowIds.kyc(customerId));
  try {
    return await handle.executeUpdate(kycDecisionUpdate, { args: [decision] });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new DomainError(
        'INVALID_STATE',
        'No KYC application is awaiting review for this customer',
      );
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const code = err.cause.type;
      throw new DomainError(isErrorCode(code) ? code : 'INVALID_STATE', err.cause.message);
    }
    throw err;
  }
}

/** Count per status, for dashboards. */
export async function kycStatusCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: kycApplications.status, n: sql<number>`count(*)::int` })
    .from(kycApplications)
    .groupBy(kycApplications.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
