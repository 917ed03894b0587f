/**
 * KycWorkflow against a real worker, real Postgres (per-run test database) and the real KYC
 * activities: auto-approve, auto-reject (underage, sanctions hit), manual review approve and
 * reject (audited), escalation after the timeout, and resubmission as a new attempt.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import path from 'node:path';
import { createKycActivities } from '../activities/kyc/kyc.activities';
import {
  decideKyc,
  getKycStatus,
  submitKyc,
  type KycServiceDeps,
  type KycSubmission,
} from '../activities/kyc/kyc.service';
import { storeDocument } from '../activities/kyc/documents';
import { decryptNationalId } from '../activities/kyc/national-id';
import { SUPPORT_RECIPIENT } from '../activities/kyc/notices';
import { createDatabase, type Database } from '../db/client';
import { auditLog } from '../db/schema/audit';
import { customers } from '../db/schema/customers';
import { kycApplications } from '../db/schema/kyc';
import { notifications } from '../db/schema/notifications';
import { workflowIds } from '../domain/ids';
import { withWorker, workflowEnv } from '../test/harness';
import {
  createTestCustomer,
  pdfBytes,
  pngBytes,
  preferredEnvKind,
  recordingEventActivities,
  type RecordingEvents,
} from '../test/onboarding.fixtures';
import { kycStatusQuery, type KycState } from './kyc.messages';

jest.setTimeout(120_000);

const KEY = process.env.DATA_ENCRYPTION_KEY!;
const DATA_DIR = path.resolve(process.env.DATA_DIR ?? '.data/test');

describe('KycWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let database: Database;
  let events: RecordingEvents;

  beforeAll(async () => {
    env = await workflowEnv(await preferredEnvKind());
    database = createDatabase(process.env.DATABASE_URL!, { max: 4 });
    events = await recordingEventActivities();
  });
  afterAll(async () => {
    await events?.close();
    await database?.close();
    await env?.teardown();
  });

  async function application(
    customerId: string,
    overrides: Partial<KycSubmission> = {},
  ): Promise<KycSubmission> {
    const idDoc = await storeDocument(database.db, DATA_DIR, {
      customerId,
      kind: 'ID_DOCUMENT',
      bytes: pngBytes(),
      fileName: 'passport.png',
    });
    const poa = await storeDocument(database.db, DATA_DIR, {
      customerId,
      kind: 'PROOF_OF_ADDRESS',
      bytes: pdfBytes(),
      fileName: 'utility-bill.pdf',
    });
    return {
      legalName: 'Jane Q. Applicant',
      dateOfBirth: '1990-04-12',
      address: { line1: '1 Harbor Way', city: 'Boston', postalCode: '02110', country: 'US' },
      nationalId: '123-45-6789',
      idDocumentId: idDoc.id,
      proofOfAddressDocumentId: poa.id,
      ...overrides,
    };
  }

  function run<T>(
    fn: (deps: KycServiceDeps) => Promise<T>,
    escalateAfterSeconds = 3600,
  ): Promise<T> {
    const activities = {
      ...createKycActivities({ db: database.db, dataDir: DATA_DIR }),
      ...events.activities,
    };
    return withWorker(env, { activities }, (taskQueue) =>
      fn({
        db: database.db,
        temporal: env.client,
        taskQueue,
        encryptionKey: KEY,
        escalateAfterSeconds,
      }),
    );
  }

  const result = (customerId: string) =>
    env.client.workflow.getHandle(workflowIds.kyc(customerId)).result() as Promise<KycState>;

  async function waitForStatus(customerId: string, status: KycState['status']): Promise<KycState> {
    const handle = env.client.workflow.getHandle(workflowIds.kyc(customerId));
    for (let i = 0; i < 600; i++) {
      const state = await handle.query(kycStatusQuery).catch(() => undefined);
      if (state?.status === status) return state;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`KYC of ${customerId} never reached ${status}`);
  }

  async function customerStatus(customerId: string): Promise<string | undefined> {
    const [row] = await database.db.select().from(customers).where(eq(customers.id, customerId));
    return row?.kycStatus;
  }

  it('auto-approves a clean applicant; the national id is encrypted, only its last 4 kept', async () => {
    const customerId = await createTestCustomer(database.db);
    const state = await run(async (deps) => {
      const submitted = await submitKyc(deps, customerId, await application(customerId));
      expect(submitted).toMatchObject({
        status: 'PENDING',
        attempt: 1,
        workflowId: workflowIds.kyc(customerId),
      });
      return result(customerId);
    });
    expect(state.status).toBe('APPROVED');
    expect(state.reasons).toEqual([]);
    expect(await customerStatus(customerId)).toBe('APPROVED');

    const [row] = await database.db
      .select()
      .from(kycApplications)
      .where(eq(kycApplications.customerId, customerId));
    expect(row!.nationalIdEnc).not.toContain('123456789');
    expect(row!.nationalIdLast4).toBe('6789');
    expect(decryptNationalId(row!.nationalIdEnc, KEY)).toBe('123456789');
    expect(row!.decidedBy).toBe('system:kyc-checks');

    const types = events.published.filter((e) => e.subject === customerId).map((e) => e.type);
    expect(types).toEqual(['kyc.submitted', 'kyc.approved']);
    const notices = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.customerId, customerId));
    expect(notices.map((n) => n.template)).toEqual(['kyc.approved']);
  });

  it('auto-rejects an underage applicant with the reason', async () => {
    const customerId = await createTestCustomer(database.db);
    const state = await run(async (deps) => {
      const thisYear = new Date().getUTCFullYear();
      await submitKyc(
        deps,
        customerId,
        await application(customerId, { dateOfBirth: `${thisYear - 16}-01-01` }),
      );
      return result(customerId);
    });
    expect(state.status).toBe('REJECTED');
    expect(state.reasons).toContain('UNDERAGE');
    expect(await customerStatus(customerId)).toBe('REJECTED');
    expect(events.published.filter((e) => e.subject === customerId).map((e) => e.type)).toEqual([
      'kyc.submitted',
      'kyc.rejected',
    ]);
  });

  it('auto-rejects a sanctions hit (fuzzy: reordered, accented, misspelt), with score and entry', async () => {
    const customerId = await createTestCustomer(database.db);
    const state = await run(async (deps) => {
      await submitKyc(
        deps,
        customerId,
        await application(customerId, { legalName: 'Malenkow, Viktór' }),
      );
      return result(customerId);
    });
    expect(state.status).toBe('REJECTED');
    expect(state.reasons).toContain('SANCTIONS_MATCH');
    expect(state.screening).toMatchObject({ list: 'SANCTIONS', matchedEntryId: 'SAN-0001' });
    expect(state.screening!.score).toBeGreaterThanOrEqual(0.9);
    expect(state.screening!.score).toBeLessThan(1);
    const [row] = await database.db
      .select()
      .from(kycApplications)
      .where(eq(kycApplications.customerId, customerId));
    expect(row!.screening).toMatchObject({ list: 'SANCTIONS' });
    expect(row!.screening!.matchedName).toMatch(/Malenkov/);
  });

  it('sends a PEP match to review; support approves; the decision is audited', async () => {
    const customerId = await createTestCustomer(database.db);
    const state = await run(async (deps) => {
      await submitKyc(
        deps,
        customerId,
        await application(customerId, { legalName: 'Elena Drago' }),
      );
      const inReview = await waitForStatus(customerId, 'IN_REVIEW');
      expect(inReview.reasons).toEqual(['PEP_MATCH']);
      // The workflow is in review before its status write to Postgres lands: wait for the row.
      for (let i = 0; i < 100 && (await customerStatus(customerId)) !== 'IN_REVIEW'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await customerStatus(customerId)).toBe('IN_REVIEW');
      const after = await decideKyc(deps, customerId, {
        decision: 'APPROVE',
        actor: 'usr_support01',
        actorRoles: ['support'],
        reason: 'PEP status verified, low risk',
      });
      expect(after.status).toBe('APPROVED');
      // A second decision is refused: the application is no longer in review.
      await expect(
        decideKyc(deps, customerId, { decision: 'REJECT', actor: 'usr_support01', reason: 'oops' }),
      ).rejects.toMatchObject({ code: 'INVALID_STATE' });
      return result(customerId);
    });
    expect(state.status).toBe('APPROVED');
    expect(state.decision).toMatchObject({ decision: 'APPROVE', actor: 'usr_support01' });
    expect(await customerStatus(customerId)).toBe('APPROVED');
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.target, customerId));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'usr_support01',
      action: 'kyc.approve',
      reason: 'PEP status verified, low risk',
    });
  });

  it('manual review reject records who and why; a resubmission is a new attempt with history kept', async () => {
    const customerId = await createTestCustomer(database.db);
    await run(async (deps) => {
      await submitKyc(
        deps,
        customerId,
        await application(customerId, { legalName: 'Elena Drago' }),
      );
      await waitForStatus(customerId, 'IN_REVIEW');
      // Cannot resubmit while the first attempt is in flight.
      await expect(
        submitKyc(deps, customerId, await application(customerId)),
      ).rejects.toMatchObject({
        code: 'INVALID_STATE',
      });
      const rejected = await decideKyc(deps, customerId, {
        decision: 'REJECT',
        actor: 'usr_support02',
        actorRoles: ['support'],
        reason: 'Documents do not match the applicant',
      });
      expect(rejected.status).toBe('REJECTED');
      expect(rejected.reasons).toEqual(['PEP_MATCH', 'REJECTED_BY_REVIEW']);
      await result(customerId);

      const second = await submitKyc(
        deps,
        customerId,
        await application(customerId, { legalName: 'Jane Applicant' }),
      );
      expect(second.attempt).toBe(2);
      const final = await result(customerId);
      expect(final).toMatchObject({ status: 'APPROVED', attempt: 2 });
    });
    const status = await getKycStatus(database.db, customerId);
    expect(status.status).toBe('APPROVED');
    expect(status.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [2, 'APPROVED'],
      [1, 'REJECTED'],
    ]);
    expect(status.attempts[1]).toMatchObject({
      decidedBy: 'usr_support02',
      decisionReason: 'Documents do not match the applicant',
      nationalIdMasked: '•••• 6789',
    });
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.target, customerId), eq(auditLog.action, 'kyc.reject')));
    expect(audit).toHaveLength(1);
    const types = events.published.filter((e) => e.subject === customerId).map((e) => e.type);
    expect(types).toEqual(['kyc.submitted', 'kyc.rejected', 'kyc.submitted', 'kyc.approved']);
    // Distinct event ids per attempt, so consumers do not dedupe the second attempt away.
    expect(
      new Set(events.published.filter((e) => e.subject === customerId).map((e) => e.id)).size,
    ).toBe(4);
  });

  it('escalates to support after the timeout, keeps waiting, and still takes a decision', async () => {
    const customerId = await createTestCustomer(database.db);
    const state = await run(async (deps) => {
      await submitKyc(
        deps,
        customerId,
        await application(customerId, { legalName: 'Viktr Malenkof' }),
      );
      const review = await waitForStatus(customerId, 'IN_REVIEW');
      expect(review.reasons).toEqual(['POSSIBLE_SANCTIONS_MATCH']);
      const handle = env.client.workflow.getHandle(workflowIds.kyc(customerId));
      let escalated = false;
      for (let i = 0; i < 100 && !escalated; i++) {
        escalated = (await handle.query(kycStatusQuery)).escalated;
        if (!escalated) await new Promise((r) => setTimeout(r, 100));
      }
      expect(escalated).toBe(true);
      const still = await handle.query(kycStatusQuery);
      expect(still.status).toBe('IN_REVIEW');
      return decideKyc(deps, customerId, {
        decision: 'REJECT',
        actor: 'usr_support03',
        reason: 'Confirmed match',
      });
    }, 1);
    expect(state.status).toBe('REJECTED');
    const supportNotices = await database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.customerId, SUPPORT_RECIPIENT),
          eq(notifications.template, 'kyc.review_escalated'),
        ),
      );
    expect(
      supportNotices.some((n) => (n.data as { customerId?: string }).customerId === customerId),
    ).toBe(true);
    const [row] = await database.db
      .select()
      .from(kycApplications)
      .where(eq(kycApplications.customerId, customerId));
    expect(row!.escalatedAt).not.toBeNull();
  });
});
