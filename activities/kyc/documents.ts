/**
 * KYC document storage. A document is checked by its content (magic bytes), not only by its name
 * or declared type, limited in size, and stored on disk under DATA_DIR/documents/<customerId>/.
 * Workflows and the application row carry only the document id.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { kycDocuments, type KycDocumentKind } from '../../db/schema/kyc';
import { DomainError } from '../../domain/errors';
import { ID_PREFIX } from '../../domain/ids';

export const DOCUMENT_LIMITS = { minBytes: 64, maxBytes: 5 * 1024 * 1024 } as const;

export type DocumentMime = 'application/pdf' | 'image/png' | 'image/jpeg';

const EXTENSIONS: Record<DocumentMime, string[]> = {
  'application/pdf': ['.pdf'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
};

/** The type a file's bytes say it is, or null. */
export function sniffMime(bytes: Buffer): DocumentMime | null {
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-')
    return 'application/pdf';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  return null;
}

export interface DocumentCheck {
  mimeType: DocumentMime;
  sizeBytes: number;
}

/** Validates type by content and by name, and size. Throws INVALID_DOCUMENT with a reason. */
export function checkDocument(
  bytes: Buffer,
  fileName?: string,
  declaredMime?: string,
): DocumentCheck {
  if (bytes.length < DOCUMENT_LIMITS.minBytes) {
    throw new DomainError('INVALID_DOCUMENT', 'Document is empty or too small', {
      reason: 'TOO_SMALL',
    });
  }
  if (bytes.length > DOCUMENT_LIMITS.maxBytes) {
    throw new DomainError('INVALID_DOCUMENT', 'Document is larger than 5 MiB', {
      reason: 'TOO_LARGE',
      maxBytes: DOCUMENT_LIMITS.maxBytes,
    });
  }
  const mime = sniffMime(bytes);
  if (!mime) {
    throw new DomainError('INVALID_DOCUMENT', 'Only PDF, PNG and JPEG documents are accepted', {
      reason: 'UNSUPPORTED_TYPE',
    });
  }
  if (fileName) {
    const ext = path.extname(fileName).toLowerCase();
    if (!EXTENSIONS[mime].includes(ext)) {
      throw new DomainError('INVALID_DOCUMENT', 'File name does not match its content', {
        reason: 'TYPE_MISMATCH',
        detected: mime,
      });
    }
  }
  if (
    declaredMime &&
    declaredMime !== mime &&
    !(mime === 'image/jpeg' && declaredMime === 'image/jpg')
  ) {
    throw new DomainError('INVALID_DOCUMENT', 'Declared content type does not match the content', {
      reason: 'TYPE_MISMATCH',
      detected: mime,
    });
  }
  return { mimeType: mime, sizeBytes: bytes.length };
}

export interface StoredDocument {
  id: string;
  customerId: string;
  kind: KycDocumentKind;
  mimeType: DocumentMime;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
}

export function newDocumentId(): string {
  return `${ID_PREFIX.document}_${randomBytes(12).toString('base64url')}`;
}

export interface StoreDocumentInput {
  customerId: string;
  kind: KycDocumentKind;
  bytes: Buffer;
  fileName?: string;
  declaredMime?: string;
}

export async function storeDocument(
  db: Db,
  dataDir: string,
  input: StoreDocumentInput,
): Promise<StoredDocument> {
  const check = checkDocument(input.bytes, input.fileName, input.declaredMime);
  const id = newDocumentId();
  const ext = EXTENSIONS[check.mimeType][0];
  const relative = path.join('documents', input.customerId, `${id}${ext}`);
  const absolute = path.resolve(dataDir, relative);
  await fs.mkdir(path.dirname(absolute), { recursive: true });
  await fs.writeFile(absolute, input.bytes, { mode: 0o600 });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const [row] = await db
    .insert(kycDocuments)
    .values({
      id,
      customerId: input.customerId,
      kind: input.kind,
      mimeType: check.mimeType,
      sizeBytes: check.sizeBytes,
      sha256,
      storagePath: relative,
      originalName: input.fileName ? path.basename(input.fileName).slice(0, 200) : null,
    })
    .returning();
  if (!row) throw new Error('document insert returned no row');
  return {
    id,
    customerId: row.customerId,
    kind: row.kind,
    mimeType: check.mimeType,
    sizeBytes: row.sizeBytes,
    sha256,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface DocumentVerdict {
  ok: boolean;
  reason?: string;
}

/**
 * Re-verifies a stored document: it exists, belongs to the customer, is of the expected kind, and
 * its bytes on disk still match type and hash.
 */
export async function verifyStoredDocument(
  db: Db,
  dataDir: string,
  customerId: string,
  documentId: string | null,
  kind: KycDocumentKind,
): Promise<DocumentVerdict> {
  if (!documentId) return { ok: false, reason: `${kind}_MISSING` };
  const [row] = await db
    .select()
    .from(kycDocuments)
    .where(and(eq(kycDocuments.id, documentId), eq(kycDocuments.customerId, customerId)));
  if (!row || row.kind !== kind) return { ok: false, reason: `${kind}_MISSING` };
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.resolve(dataDir, row.storagePath));
  } catch {
    return { ok: false, reason: `${kind}_UNREADABLE` };
  }
  if (createHash('sha256').update(bytes).digest('hex') !== row.sha256) {
    return { ok: false, reason: `${kind}_TAMPERED` };
  }
  try {
    checkDocument(bytes);
  } catch {
    return { ok: false, reason: `${kind}_INVALID` };
  }
  return { ok: true };
}
