/**
 * /api/v1/auth: register, login (with lockout and TOTP), refresh (rotation + reuse detection),
 * logout, me, MFA setup/enable. Per-IP rate limits (AUTH_RATE_LIMIT_PER_MINUTE).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { Type } from 'typebox';
import { users } from '../../db/schema/auth';
import { DomainError } from '../../domain/errors';
import { decrypt, encrypt } from '../lib/crypto';
import { burnPasswordCheck, PASSWORD_MAX_LENGTH, verifyPassword } from '../lib/passwords';
import { issueTokenPair, revokeRefreshToken, rotateRefreshToken } from '../lib/tokens';
import { createUser, findUserByEmail, getPublicUser } from '../lib/users';
import { principalOf } from '../plugins/access';
import { authRateLimit } from '../plugins/rate-limit';
import { errors } from '../schemas/common';

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
const Totp = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit TOTP code' });
const RefreshToken = Type.String({ minLength: 20, maxLength: 200 });

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  roles: Type.Array(Type.String()),
  customerId: Type.Union([Type.String(), Type.Null()]),
  kycStatus: Type.Union([Type.String(), Type.Null()]),
  mfaEnabled: Type.Boolean(),
});

const TokenPairView = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
  tokenType: Type.Literal('Bearer'),
});

const TOTP_TOLERANCE_SECONDS = 30;

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, database, redis } = app.deps;
  const { db } = database;
  const lockout = {
    maxFailures: app.appOptions.lockout?.maxFailures ?? 5,
    lockSeconds: app.appOptions.lockout?.lockSeconds ?? 900,
    maxIpFailures: app.appOptions.lockout?.maxIpFailures ?? 20,
    ipWindowSeconds: app.appOptions.lockout?.ipWindowSeconds ?? 900,
  };
  const ipKey = (ip: string) => `${app.appOptions.redisPrefix}loginfail:ip:${ip}`;
  const rateLimit = authRateLimit(app);
  const publicAuth = { access: { public: true as const }, rateLimit };

  async function recordIpFailure(ip: string) {
    const key = ipKey(ip);
    const n = await redis.incr(key);
    if (n === 1) await redis.expire(key, lockout.ipWindowSeconds);
  }

  app.post(
    '/auth/register',
    {
      config: publicAuth,
      schema: {
        tags: ['auth'],
        summary: 'Register a customer',
        description:
          'Creates a user with the customer role and its customer record. Passwords are hashed with argon2id.',
        body: Type.Object(
          {
            email: Email,
            password: Password,
            fullName: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserView, ...errors(400, 409) },
      },
    },
    async (request, reply) => {
      const user = await createUser(db, { ...request.body, roles: ['customer'] });
      return reply.code(201).send(user);
    },
  );

  app.post(
    '/auth/login',
    {
      config: publicAuth,
      schema: {
        tags: ['auth'],
        summary: 'Log in',
        description:
          'Returns an access token (JWT, 15 min) and a refresh token. With MFA enabled, `totp` is required. ' +
          'Repeated failures lock the account and the client IP for a while (423).',
        body: Type.Object(
          { email: Email, password: Password, totp: Type.Optional(Totp) },
          { additionalProperties: false },
        ),
        response: { 200: TokenPairView, ...errors(400, 401, 423) },
      },
    },
    async (request, reply) => {
      const { email, password, totp } = request.body;
      const ipFailures = Number((await redis.get(ipKey(request.ip))) ?? 0);
      if (ipFailures >= lockout.maxIpFailures) {
        const ttl = Math.max(1, await redis.ttl(ipKey(request.ip)));
        reply.header('retry-after', String(ttl));
        throw new DomainError(
          'ACCOUNT_LOCKED',
          'Too many failed logins from this address; try again later',
          {
            scope: 'ip',
            retryAfterSeconds: ttl,
          },
        );
      }
      const user = await findUserByEmail(db, email);
      if (!user) {
        await burnPasswordCheck(password);
        await recordIpFailure(request.ip);
        throw new DomainError('INVALID_CREDENTIALS', 'Email or password is incorrect');
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
        const retryAfterSeconds = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000);
        reply.header('retry-after', String(retryAfterSeconds));
        throw new DomainError(
          'ACCOUNT_LOCKED',
          'Too many failed logins; the account is locked for a while',
          {
            scope: 'account',
            retryAfterSeconds,
          },
        );
      }

      const fail = async (
        code: 'INVALID_CREDENTIALS' | 'INVALID_TOTP',
        message: string,
      ): Promise<never> => {
        // Count atomically; the failure that reaches the threshold locks the account.
        await db
          .update(users)
          .set({
            failedLoginCount: sql`case when ${users.failedLoginCount} + 1 >= ${lockout.maxFailures} then 0 else ${users.failedLoginCount} + 1 end`,
            lockedUntil: sql`case when ${users.failedLoginCount} + 1 >= ${lockout.maxFailures} then now() + make_interval(secs => ${lockout.lockSeconds}) else ${users.lockedUntil} end`,
          })
          .where(eq(users.id, user.id));
        await recordIpFailure(request.ip);
        throw new DomainError(code, message);
      };

      if (!(await verifyPassword(user.passwordHash, password))) {
        return fail('INVALID_CREDENTIALS', 'Email or password is incorrect');
      }
      if (user.mfaEnabled && user.mfaSecretEnc) {
        if (!totp)
          throw new DomainError('MFA_REQUIRED', 'This account requires a TOTP code', {
            mfa: 'totp',
          });
        const secret = decrypt(user.mfaSecretEnc, config.DATA_ENCRYPTION_KEY);
        const result = await verifyTotp({
          secret,
          token: totp,
          epochTolerance: TOTP_TOLERANCE_SECONDS,
        });
        if (!result.valid) return fail('INVALID_TOTP', 'The TOTP code is not valid');
      }
      await db
        .update(users)
        .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: sql`now()` })
        .where(eq(users.id, user.id));
      return issueTokenPair(app, user);
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: publicAuth,
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new pair',
        description:
          'Refresh tokens rotate on every use. Reusing an already-rotated token revokes the whole family.',
        body: Type.Object({ refreshToken: RefreshToken }, { additionalProperties: false }),
        response: { 200: TokenPairView, ...errors(400, 401) },
      },
    },
    async (request) => rotateRefreshToken(app, request.body.refreshToken),
  );

  app.post(
    '/auth/logout',
    {
      config: publicAuth,
      schema: {
        tags: ['auth'],
        summary: 'Log out: revoke the refresh token family',
        body: Type.Object({ refreshToken: RefreshToken }, { additionalProperties: false }),
        response: { 204: Type.Null({ description: 'Logged out' }), ...errors(400) },
      },
    },
    async (request, reply) => {
      await revokeRefreshToken(app, request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );

  const anyUser = { access: { roles: ['customer', 'support', 'ops'] as const } };

  app.get(
    '/auth/me',
    {
      config: anyUser,
      schema: { tags: ['auth'], summary: 'The current user', response: { 200: UserView } },
    },
    async (request) => {
      const user = await getPublicUser(db, principalOf(request).userId);
      if (!user) throw new DomainError('UNAUTHORIZED', 'User no longer exists');
      return user;
    },
  );

  app.post(
    '/auth/mfa/setup',
    {
      config: anyUser,
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP setup: a new secret and its otpauth URL',
        description: 'The secret takes effect after POST /auth/mfa/enable with a valid code.',
        response: {
          200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }),
          ...errors(409),
        },
      },
    },
    async (request) => {
      const user = await getPublicUser(db, principalOf(request).userId);
      if (!user) throw new DomainError('UNAUTHORIZED', 'User no longer exists');
      if (user.mfaEnabled) throw new DomainError('INVALID_STATE', 'MFA is already enabled');
      const secret = generateSecret();
      await db
        .update(users)
        .set({ mfaSecretEnc: encrypt(secret, config.DATA_ENCRYPTION_KEY), updatedAt: sql`now()` })
        .where(eq(users.id, user.id));
      return {
        secret,
        otpauthUrl: generateURI({ issuer: 'Harbor Bank', label: user.email, secret }),
      };
    },
  );

  app.post(
    '/auth/mfa/enable',
    {
      config: anyUser,
      schema: {
        tags: ['auth'],
        summary: 'Enable TOTP: from then on, login requires `totp`',
        body: Type.Object({ totp: Totp }, { additionalProperties: false }),
        response: { 200: Type.Object({ mfaEnabled: Type.Boolean() }), ...errors(409) },
      },
    },
    async (request) => {
      const [user] = await db
        .select()
        .from(users)
        .where(eq(users.id, principalOf(request).userId));
      if (!user) throw new DomainError('UNAUTHORIZED', 'User no longer exists');
      if (user.mfaEnabled) throw new DomainError('INVALID_STATE', 'MFA is already enabled');
      if (!user.mfaSecretEnc)
        throw new DomainError('INVALID_STATE', 'Call POST /auth/mfa/setup first');
      const secret = decrypt(user.mfaSecretEnc, config.DATA_ENCRYPTION_KEY);
      const result = await verifyTotp({
        secret,
        token: request.body.totp,
        epochTolerance: TOTP_TOLERANCE_SECONDS,
      });
      if (!result.valid) throw new DomainError('INVALID_TOTP', 'The TOTP code is not valid');
      await db
        .update(users)
        .set({ mfaEnabled: true, updatedAt: sql`now()` })
        .where(eq(users.id, user.id));
      return { mfaEnabled: true };
    },
  );
};

export default authRoutes;
