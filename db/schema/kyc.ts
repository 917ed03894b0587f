/**
 * KYC: one row per application attempt (resubmission = a new attempt, history kept), and the
 * uploaded documents. PII stays here, never in workflow payloads: the workflow carries ids only.
 * The national id is stored AES-256-GCM encrypted (`national_id_enc`); only its last 4 digits are
 * kept in clear.
 */
import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { KycStatus } from './customers';

export const KYC_DOCUMENT_KINDS = ['ID_DOCUMENT', 'PROOF_OF_ADDRESS'] as const;
export type KycDocumentKind = (typeof KYC_DOCUMENT_KINDS)[number];

export interface KycAddress {
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface KycScreeningResult {
  score: number;
  list: 'SANCTIONS' | 'PEP' | null;
  matchedEntryId: string | null;
  matchedName: string | null;
}

export const kycDocuments = pgTable(
  'kyc_documents',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    kind: text('kind').$type<KycDocumentKind>().notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    /** Relative to DATA_DIR. */
    storagePath: text('storage_path').notNull(),
    originalName: text('original_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('kyc_documents_customer_idx').on(t.customerId)],
);

export const kycApplications = pgTable(
  'kyc_applications',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').$type<KycStatus>().notNull().default('PENDING'),
    legalName: text('legal_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    address: jsonb('address').$type<KycAddress>().notNull(),
    country: text('country').notNull(),
    nationalIdEnc: text('national_id_enc').notNull(),
    nationalIdLast4: text('national_id_last4').notNull(),
    idDocumentId: text('id_document_id'),
    proofOfAddressDocumentId: text('proof_of_address_document_id'),
    reasons: jsonb('reasons')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    screening: jsonb('screening').$type<KycScreeningResult>(),
    workflowId: text('workflow_id').notNull(),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('kyc_applications_customer_attempt_uq').on(t.customerId, t.attempt),
    index('kyc_applications_status_idx').on(t.status),
  ],
);
