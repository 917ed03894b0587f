/**
 * KYC activities. Every write is idempotent: status updates are absolute, the decision is recorded
 * once (guarded by `decided_at is null`, with its audit row in the same transaction), notices have
 * deterministic ids.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { customers } from '../../db/schema/customers';
import { kycApplications } from '../../db/schema/kyc';
import { DomainError } from '../../domain/errors';
import { recordAudit } from '../audit/audit';
import { withDomainFailures } from '../shared/failures';
import { verifyStoredDocument } from './documents';
import { insertNotice, SUPPORT_RECIPIENT } from './notices';
import { ageOn, decide, type KycAutoDecision } from './rules';
import { screenName } from './screening';

export interface KycActivityDeps {
  db: Db;
  /** Root of stored documents (config DATA_DIR). */
  dataDir: string;
}

export interface KycChecksResult {
  decision: KycAutoDecision;
  reasons: string[];
  screening: { score: number; list: 'SANCTIONS' | 'PEP' | null; matchedEntryId: string | null };
}

async function loadApplication(db: Db, applicationId: string) {
  const [row] = await db
    .select()
    .from(kycApplications)
    .where(eq(kycApplications.id, applicationId));
  if (!row) throw new DomainError('NOT_FOUND', `KYC application ${applicationId} not found`);
  return row;
}

/** Mirrors the status onto the customer, only from the customer's latest attempt. */
async function syncCustomerStatus(db: Pick<Db, 'execute'>, applicationId: string): Promise<void> {
  await db.execute(sql`
    update ${customers} c set kyc_status = a.status, updated_at = now()
    from ${kycApplications} a
    where a.id = ${applicationId} and c.id = a.customer_id
      and a.attempt = (select max(attempt) from ${kycApplications} where customer_id = a.customer_id)`);
}

export function createKycActivities(deps: KycActivityDeps) {
  const { db } = deps;
  return withDomainFailures({
    /** Automated checks. Pure reads plus storing the screening result; safe to retry. */
    async kycRunChecks(input: { applicationId: string; at: string }): Promise<KycChecksResult> {
      const app = await loadApplication(db, input.applicationId);
      const documents = await Promise.all([
        verifyStoredDocument(db, deps.dataDir, app.customerId, app.idDocumentId, 'ID_DOCUMENT'),
        verifyStoredDocument(
          db,
          deps.dataDir,
          app.customerId,
          app.proofOfAddressDocumentId,
          'PROOF_OF_ADDRESS',
        ),
      ]);
      const match = screenName(app.legalName);
      const result = decide({
        age: ageOn(app.dateOfBirth, new Date(input.at)),
        country: app.address.country ?? app.country,
        documents,
        screening: match,
      });
      const screening = {
        score: match.score,
        list: match.entry?.list ?? null,
        matchedEntryId: match.entry?.id ?? null,
      };
      await db
        .update(kycApplications)
        .set({
          screening: { ...screening, matchedName: match.matchedName },
          reasons: result.reasons,
          updatedAt: new Date(),
        })
        .where(eq(kycApplications.id, input.applicationId));
      return { decision: result.decision, reasons: result.reasons, screening };
    },

    async kycSetStatus(input: {
      applicationId: string;
      status: 'PENDING' | 'IN_REVIEW';
      reasons: string[];
    }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(kycApplications)
          .set({ status: input.status, reasons: input.reasons, updatedAt: new Date() })
          .where(
            and(eq(kycApplications.id, input.applicationId), isNull(kycApplications.decidedAt)),
          );
        await syncCustomerStatus(tx, input.applicationId);
      });
    },

    /** Once per application: status, reasons, who decided and why; the audit row for a human. */
    async kycRecordDecision(input: {
      applicationId: string;
      status: 'APPROVED' | 'REJECTED';
      reasons: string[];
      decidedBy: { actor: string; actorRoles?: string[]; reason: string } | null;
    }): Promise<{ recorded: boolean }> {
      return db.transaction(async (tx) => {
        const updated = await tx
          .update(kycApplications)
          .set({
            status: input.status,
            reasons: input.reasons,
            decidedBy: input.decidedBy?.actor ?? 'system:kyc-checks',
            decisionReason: input.decidedBy?.reason ?? null,
            decidedAt: new Date(),
            updatedAt: new Date(),
          })
          .where(
            and(eq(kycApplications.id, input.applicationId), isNull(kycApplications.decidedAt)),
          )
          .returning({
            id: kycApplications.id,
            customerId: kycApplications.customerId,
            attempt: kycApplications.attempt,
          });
        const row = updated[0];
        if (row && input.decidedBy) {
          await recordAudit(tx, {
            actor: input.decidedBy.actor,
            actorRoles: input.decidedBy.actorRoles ?? [],
            action: input.status === 'APPROVED' ? 'kyc.approve' : 'kyc.reject',
            target: row.customerId,
            reason: input.decidedBy.reason,
            details: { applicationId: row.id, attempt: row.attempt },
          });
        }
        await syncCustomerStatus(tx, input.applicationId);
        return { recorded: row !== undefined };
      });
    },

    /** Marks the application escalated and notifies support (once). */
    async kycEscalate(input: {
      applicationId: string;
      customerId: string;
      noticeId: string;
      waitingSeconds: number;
    }): Promise<void> {
      await db
        .update(kycApplications)
        .set({
          escalatedAt: sql`coalesce(${kycApplications.escalatedAt}, now())`,
          updatedAt: new Date(),
        })
        .where(eq(kycApplications.id, input.applicationId));
      await insertNotice(db, {
        id: input.noticeId,
        customerId: SUPPORT_RECIPIENT,
        category: 'kyc',
        template: 'kyc.review_escalated',
        data: {
          applicationId: input.applicationId,
          customerId: input.customerId,
          waitingSeconds: input.waitingSeconds,
        },
      });
    },

    async kycNotifyCustomer(input: {
      noticeId: string;
      customerId: string;
      template: 'kyc.approved' | 'kyc.rejected';
      data: Record<string, unknown>;
    }): Promise<void> {
      await insertNotice(db, {
        id: input.noticeId,
        customerId: input.customerId,
        category: 'kyc',
        template: input.template,
        data: input.data,
      });
    },

    /** For other workflows (account opening): the customer's current KYC status. */
    async kycGetStatus(input: {
      customerId: string;
    }): Promise<{ status: string; applicationId: string | null }> {
      const [row] = await db
        .select({ id: kycApplications.id, status: kycApplications.status })
        .from(kycApplications)
        .where(eq(kycApplications.customerId, input.customerId))
        .orderBy(desc(kycApplications.attempt))
        .limit(1);
      return { status: row?.status ?? 'NOT_STARTED', applicationId: row?.id ?? null };
    },
  });
}

export type KycActivities = ReturnType<typeof createKycActivities>;
