/**
 * Access and refresh tokens.
 * - Access: JWT HS256, ACCESS_TOKEN_TTL_SECONDS (15 min); claims sub, roles, customerId, typ.
 * - Refresh: 32 random bytes, opaque; only its SHA-256 is stored. Each login starts a family;
 *   every refresh rotates the token. Presenting an already-rotated token is treated as theft:
 *   the whole family is revoked. Logout revokes the family.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { refreshTokens, users } from '../../db/schema/auth';
import { DomainError } from '../../domain/errors';
import { randomToken, sha256Hex } from './crypto';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

interface TokenSubject {
  id: string;
  roles: string[];
  customerId: string | null;
}

export function signAccessToken(app: FastifyInstance, user: TokenSubject): string {
  return app.jwt.sign({
    sub: user.id,
    roles: user.roles,
    customerId: user.customerId,
    typ: 'access',
    jti: randomUUID(),
  });
}

async function insertRefreshToken(
  app: FastifyInstance,
  userId: string,
  familyId: string,
): Promise<string> {
  const token = randomToken();
  const ttl = app.deps.config.REFRESH_TOKEN_TTL_SECONDS;
  await app.deps.database.db.insert(refreshTokens).values({
    id: randomUUID(),
    userId,
    familyId,
    tokenHash: sha256Hex(token),
    expiresAt: new Date(Date.now() + ttl * 1000),
  });
  return token;
}

export async function issueTokenPair(
  app: FastifyInstance,
  user: TokenSubject,
  familyId: string = randomUUID(),
): Promise<TokenPair> {
  const refreshToken = await insertRefreshToken(app, user.id, familyId);
  return {
    accessToken: signAccessToken(app, user),
    refreshToken,
    expiresIn: app.deps.config.ACCESS_TOKEN_TTL_SECONDS,
    tokenType: 'Bearer',
  };
}

export async function revokeFamily(app: FastifyInstance, familyId: string): Promise<void> {
  await app.deps.database.db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

const invalid = () => new DomainError('UNAUTHORIZED', 'Invalid or expired refresh token');

/** Exchanges a refresh token for a new pair; reuse of a rotated token revokes its family. */
export async function rotateRefreshToken(app: FastifyInstance, token: string): Promise<TokenPair> {
  const { db } = app.deps.database;
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, sha256Hex(token)));
  if (!row) throw invalid();
  if (row.revokedAt) throw new DomainError('TOKEN_REVOKED', 'This refresh token has been revoked');
  if (row.rotatedAt) {
    await revokeFamily(app, row.familyId);
    app.log.warn(
      { userId: row.userId, familyId: row.familyId },
      'refresh token reuse: family revoked',
    );
    throw new DomainError('TOKEN_REVOKED', 'Refresh token reuse detected; please log in again');
  }
  if (row.expiresAt.getTime() <= Date.now()) throw invalid();
  // Claim the rotation atomically: two concurrent refreshes with one token cannot both win.
  const claimed = await db
    .update(refreshTokens)
    .set({ rotatedAt: sql`now()` })
    .where(
      and(
        eq(refreshTokens.id, row.id),
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .returning({ id: refreshTokens.id });
  if (!claimed.length) {
    await revokeFamily(app, row.familyId);
    throw new DomainError('TOKEN_REVOKED', 'Refresh token reuse detected; please log in again');
  }
  const [user] = await db
    .select({ id: users.id, roles: users.roles, customerId: users.customerId })
    .from(users)
    .where(eq(users.id, row.userId));
  if (!user) throw invalid();
  return issueTokenPair(app, user, row.familyId);
}

/** Logout: revokes the token's whole family. Unknown tokens are ignored (logout is idempotent). */
export async function revokeRefreshToken(app: FastifyInstance, token: string): Promise<void> {
  const [row] = await app.deps.database.db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, sha256Hex(token)));
  if (row) await revokeFamily(app, row.familyId);
}
