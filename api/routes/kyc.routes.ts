/**
 * /api/v1/kyc: submit (or resubmit after a rejection) the applicant → 202 with the workflow id;
 * upload documents (multipart, checked by content: pdf/png/jpeg, ≤ 5 MiB) → 201 with the document
 * id the submission refers to; read the status with the history of attempts. The national id is
 * never returned: only its last 4 digits, masked.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, eq, inArray } from 'drizzle-orm';
import path from 'node:path';
import { Type } from 'typebox';
import { DOCUMENT_LIMITS, storeDocument } from '../../activities/kyc/documents';
import { getKycStatus, submitKyc } from '../../activities/kyc/kyc.service';
import { KYC_DOCUMENT_KINDS, kycDocuments, type KycDocumentKind } from '../../db/schema/kyc';
import { DomainError } from '../../domain/errors';
import { temporalClient } from '../lib/temporal';
import { principalOf } from '../plugins/access';
import { errors, Id, Timestamp } from '../schemas/common';

const customerOnly = { roles: ['customer'] as const };

export const KycAttemptView = Type.Object({
  applicationId: Type.String(),
  customerId: Type.String(),
  attempt: Type.Integer(),
  status: Type.String({ description: 'PENDING | IN_REVIEW | APPROVED | REJECTED' }),
  reasons: Type.Array(Type.String()),
  legalName: Type.String(),
  country: Type.String(),
  nationalIdMasked: Type.String({ description: 'Only the last 4 characters, e.g. •••• 1234' }),
  screening: Type.Union([
    Type.Object({
      score: Type.Number(),
      list: Type.Union([Type.String(), Type.Null()]),
      matchedEntryId: Type.Union([Type.String(), Type.Null()]),
      matchedName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
    Type.Null(),
  ]),
  escalated: Type.Boolean(),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Timestamp, Type.Null()]),
  workflowId: Type.String(),
  createdAt: Timestamp,
});

const KycSubmitBody = Type.Object(
  {
    legalName: Type.String({ minLength: 2, maxLength: 200 }),
    dateOfBirth: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    address: Type.Object(
      {
        line1: Type.String({ minLength: 1, maxLength: 200 }),
        line2: Type.Optional(Type.String({ maxLength: 200 })),
        city: Type.String({ minLength: 1, maxLength: 100 }),
        postalCode: Type.String({ minLength: 1, maxLength: 20 }),
        country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
      },
      { additionalProperties: false },
    ),
    nationalId: Type.String({
      minLength: 4,
      maxLength: 40,
      description: 'Stored encrypted; never returned',
    }),
    idDocumentId: Type.Optional(Id('Document id from POST /kyc/documents (kind ID_DOCUMENT)')),
    proofOfAddressDocumentId: Type.Optional(Id('Document id (kind PROOF_OF_ADDRESS)')),
  },
  { additionalProperties: false },
);

const DocumentView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  mimeType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  createdAt: Timestamp,
});

const kycRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;
  const { config } = app.deps;
  await app.register(multipart, {
    limits: { fileSize: DOCUMENT_LIMITS.maxBytes, files: 1, fields: 5 },
  });

  /** Someone else's document answers like a missing one (404), before anything is stored. */
  async function assertOwnDocuments(customerId: string, ids: (string | undefined)[]) {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (!wanted.length) return;
    const found = await db
      .select({ id: kycDocuments.id })
      .from(kycDocuments)
      .where(and(inArray(kycDocuments.id, wanted), eq(kycDocuments.customerId, customerId)));
    if (found.length !== wanted.length) {
      const missing = wanted.filter((id) => !found.some((f) => f.id === id));
      throw new DomainError('NOT_FOUND', 'No such document', { documentIds: missing });
    }
  }

  app.post(
    '/kyc',
    {
      config: { access: customerOnly, idempotency: true },
      schema: {
        tags: ['kyc'],
        summary: 'Submit or resubmit KYC',
        description:
          'Starts the KYC workflow (a resubmission after a rejection is a new attempt). 409 while an attempt is in flight or once approved.',
        body: KycSubmitBody,
        response: {
          202: Type.Object({
            status: Type.String(),
            workflowId: Type.String(),
            applicationId: Type.String(),
            attempt: Type.Integer(),
          }),
          ...errors(404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const { customerId } = principalOf(request);
      if (!customerId) throw new DomainError('FORBIDDEN', 'Only customers submit KYC');
      await assertOwnDocuments(customerId, [
        request.body.idDocumentId,
        request.body.proofOfAddressDocumentId,
      ]);
      const temporal = await temporalClient(app);
      const result = await submitKyc(
        {
          db,
          temporal,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          encryptionKey: config.DATA_ENCRYPTION_KEY,
          escalateAfterSeconds: config.KYC_REVIEW_ESCALATE_AFTER_SECONDS,
        },
        customerId,
        request.body,
      );
      return reply.code(202).send(result);
    },
  );

  app.post(
    '/kyc/documents',
    {
      config: { access: customerOnly, idempotency: true },
      schema: {
        tags: ['kyc'],
        summary: 'Upload a KYC document',
        description:
          'multipart/form-data with a `kind` field (ID_DOCUMENT | PROOF_OF_ADDRESS) before one `file`. PDF, PNG or JPEG, checked by content, at most 5 MiB.',
        consumes: ['multipart/form-data'],
        response: { 201: DocumentView, ...errors(413) },
      },
    },
    async (request, reply) => {
      const { customerId } = principalOf(request);
      if (!customerId) throw new DomainError('FORBIDDEN', 'Only customers upload KYC documents');
      if (!request.isMultipart())
        throw new DomainError('VALIDATION_FAILED', 'Expected multipart/form-data');
      const file = await request.file();
      if (!file)
        throw new DomainError('INVALID_DOCUMENT', 'No file uploaded', { reason: 'MISSING' });
      const kindField = file.fields.kind as { value?: unknown } | undefined;
      const kind = kindField?.value;
      if (typeof kind !== 'string' || !(KYC_DOCUMENT_KINDS as readonly string[]).includes(kind)) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'kind must be ID_DOCUMENT or PROOF_OF_ADDRESS (send it before the file)',
          { field: 'kind' },
        );
      }
      let bytes: Buffer;
      try {
        bytes = await file.toBuffer();
      } catch {
        throw new DomainError('INVALID_DOCUMENT', 'Document is larger than 5 MiB', {
          reason: 'TOO_LARGE',
        });
      }
      const doc = await storeDocument(db, path.resolve(config.DATA_DIR), {
        customerId,
        kind: kind as KycDocumentKind,
        bytes,
        fileName: file.filename,
        declaredMime: file.mimetype,
      });
      return reply.code(201).send({
        id: doc.id,
        kind: doc.kind,
        mimeType: doc.mimeType,
        sizeBytes: doc.sizeBytes,
        sha256: doc.sha256,
        createdAt: doc.createdAt,
      });
    },
  );

  app.get(
    '/kyc',
    {
      config: { access: customerOnly },
      schema: {
        tags: ['kyc'],
        summary: 'My KYC status',
        response: {
          200: Type.Object({
            status: Type.String({
              description: 'NOT_STARTED | PENDING | IN_REVIEW | APPROVED | REJECTED',
            }),
            reasons: Type.Array(Type.String()),
            attempts: Type.Array(KycAttemptView),
          }),
        },
      },
    },
    async (request) => {
      const { customerId } = principalOf(request);
      if (!customerId) throw new DomainError('FORBIDDEN', 'Only customers have a KYC status');
      return getKycStatus(db, customerId);
    },
  );
};

export default kycRoutes;
