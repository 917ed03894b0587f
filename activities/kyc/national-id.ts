/**
 * National ids are encrypted at rest with AES-256-GCM (key: DATA_ENCRYPTION_KEY, 32 bytes base64).
 * Stored form: `v1:<iv b64>:<tag b64>:<ciphertext b64>`. Only the last 4 characters are ever shown.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors';

const VERSION = 'v1';

function keyFrom(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  return key;
}

/** Strips spaces and dashes; 4 to 32 letters and digits. */
export function normaliseNationalId(raw: string): string {
  const value = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z0-9]{4,32}$/.test(value)) {
    throw new DomainError('VALIDATION_FAILED', 'National id must be 4 to 32 letters or digits', {
      field: 'nationalId',
    });
  }
  return value;
}

export function encryptNationalId(plain: string, base64Key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(base64Key), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    iv.toString('base64'),
    tag.toString('base64'),
    ciphertext.toString('base64'),
  ].join(':');
}

export function decryptNationalId(stored: string, base64Key: string): string {
  const [version, iv, tag, ciphertext] = stored.split(':');
  if (version !== VERSION || !iv || !tag || !ciphertext)
    throw new Error('Unknown national id format');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(base64Key), Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([
    decipher.update(Buffer.from(ciphertext, 'base64')),
    decipher.final(),
  ]).toString('utf8');
}

export function lastFour(plain: string): string {
  return plain.slice(-4);
}

/** What the API and support console show: `•••• 1234`. */
export function maskNationalId(last4: string): string {
  return `•••• ${last4}`;
}
