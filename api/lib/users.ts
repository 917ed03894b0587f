/**
 * Users and their customers: creation (register, admin CLI), lookups and the public view.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users, type UserRole } from '../../db/schema/auth';
import { customers, type KycStatus } from '../../db/schema/customers';
import { DomainError } from '../../domain/errors';
import { newId } from './crypto';
import { hashPassword, passwordWeaknesses } from './passwords';

export interface PublicUser {
  id: string;
  email: string;
  roles: UserRole[];
  customerId: string | null;
  kycStatus: KycStatus | null;
  mfaEnabled: boolean;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/**
 * Creates a user. Customers (role `customer`) get a customer record too, KYC NOT_STARTED.
 * Weak password → WEAK_PASSWORD (400) with reasons; taken email → EMAIL_TAKEN (409).
 */
export async function createUser(
  db: Db,
  input: { email: string; password: string; fullName?: string; roles: UserRole[] },
): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  const reasons = passwordWeaknesses(input.password, email);
  if (reasons.length) {
    throw new DomainError('WEAK_PASSWORD', `Password ${reasons.join('; ')}`, { reasons });
  }
  const passwordHash = await hashPassword(input.password);
  const userId = newId('user');
  const isCustomer = input.roles.includes('customer');
  const customerId = isCustomer ? newId('customer') : null;
  try {
    await db.transaction(async (tx) => {
      await tx
        .insert(users)
        .values({ id: userId, email, passwordHash, roles: input.roles, customerId });
      if (customerId) {
        await tx.insert(customers).values({
          id: customerId,
          userId,
          fullName: input.fullName ?? email,
          email,
        });
      }
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new DomainError('EMAIL_TAKEN', 'This email is already registered');
    throw err;
  }
  return {
    id: userId,
    email,
    roles: input.roles,
    customerId,
    kycStatus: customerId ? 'NOT_STARTED' : null,
    mfaEnabled: false,
  };
}

export async function getPublicUser(db: Db, userId: string): Promise<PublicUser | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      roles: users.roles,
      customerId: users.customerId,
      mfaEnabled: users.mfaEnabled,
      kycStatus: customers.kycStatus,
    })
    .from(users)
    .leftJoin(customers, eq(customers.id, users.customerId))
    .where(eq(users.id, userId));
  if (!row) return undefined;
  return { ...row, kycStatus: row.kycStatus ?? null };
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return row;
}

export async function setUserRoles(
  db: Db,
  userId: string,
  roles: UserRole[],
): Promise<PublicUser | undefined> {
  const updated = await db
    .update(users)
    .set({ roles, updatedAt: sql`now()` })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (!updated.length) return undefined;
  return getPublicUser(db, userId);
}
