/**
 * Hand-built JWTs for the forged-token tests: no JWT library on this side, so a token is exactly
 * the bytes the test means (an `alg: none` header, a foreign key, a swapped payload).
 */
import { createHmac } from 'node:crypto';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface ForgeOptions {
  /** Header `alg`; HS256/HS384/HS512 are signed with `key`, `none` is left unsigned. */
  alg?: 'none' | 'HS256' | 'HS384' | 'HS512';
  key?: string;
}

export function forgeJwt(claims: Record<string, unknown>, opts: ForgeOptions = {}): string {
  const alg = opts.alg ?? 'HS256';
  const head = `${b64url({ alg, typ: 'JWT' })}.${b64url(claims)}`;
  if (alg === 'none') return `${head}.`;
  if (!opts.key) throw new Error(`forgeJwt: ${alg} needs a key`);
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  return `${head}.${createHmac(hash, opts.key).update(head).digest('base64url')}`;
}

export function decodePayload(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Replaces the payload segment and keeps the original header and signature. */
export function swapPayload(jwt: string, claims: Record<string, unknown>): string {
  const [header, , signature] = jwt.split('.');
  return `${header}.${b64url(claims)}.${signature}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
