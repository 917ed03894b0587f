/**
 * /api/v1/auth: register, login (with lockout and TOTP), refresh (rotation + reuse detection),
 * logout, me, MFA setup/enable. Browsers take the refresh token as an HttpOnly cookie
 * (api/lib/refresh-cookie.ts), API clients in the body. Per-IP rate limits
 * (AUTH_RATE_LIMIT_PER_MINUTE).
 */
import cookie from '@fastify/cookie';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { Type } from 'typebox';
import { users } from '../../db/schema/auth';
import { DomainError } from '../../domain/errors';
import { decrypt, encrypt } from '../lib/crypto';
import { burnPasswordCheck, PASSWORD_MAX_LENGTH, verifyPassword } from '../lib/passwords';
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from '../lib/refresh-cookie';
import {
  issueTokenPair,
  revokeRefreshToken,
  rotateRefreshToken,
  type TokenPair,
} from '../lib/tokens';
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
  refreshToken: Type.Optional(
    Type.String({
      description: 'Absent when the refresh token was delivered in the HttpOnly cookie instead',
    }),
  ),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
  tokenType: Type.Literal('Bearer'),
});

const RefreshTokenDelivery = Type.Union([Type.Literal('body'), Type.Literal('cookie')], {
  description:
    '`cookie` (browsers): the refresh token is set in an HttpOnly, SameSite=Strict cookie scoped ' +
    'to /api/v1/auth and left out of the body. `body` (default): returned in the body.',
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
  // Cookies are read on these routes only: the refresh cookie is scoped to /api/v1/auth.
  await app.register(cookie);

  /** A pair for the response: in cookie delivery the refresh token goes in the cookie only. */
  function deliver(reply: FastifyReply, pair: TokenPair, delivery: 'body' | 'cookie') {
    if (delivery === 'body') return pair;
    setRefreshCookie(reply, config, pair.refreshToken);
    const { refreshToken: _inCookie, ...rest } = pair;
    return rest;
  }

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
          'Returns an access token (JWT, 15 min) and a refresh token (in the body, or with ' +
          '`refreshTokenDelivery: cookie` in an HttpOnly cookie). With MFA enabled, `totp` is required. ' +
          'Repeated failures lock the account and the client IP for a while (423).',
        body: Type.Object(
          {
            email: Email,
            password: Password,
            totp: Type.Optional(Totp),
            refreshTokenDelivery: Type.Optional(RefreshTokenDelivery),
          },
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
      const pair = await issueTokenPair(app, user);
      return deliver(reply, pair, request.body.refreshTokenDelivery ?? 'body');
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
          'Refresh tokens rotate on every use. Reusing an already-rotated token revokes the whole family. ' +
          'The token comes from the body or, when the body has none, from the HttpOnly refresh cookie; ' +
          'a cookie is answered with a new cookie.',
        body: Type.Object(
          { refreshToken: Type.Optional(RefreshToken) },
          { additionalProperties: false },
        ),
        response: { 200: TokenPairView, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const fromBody = request.body.refreshToken;
      const token = fromBody ?? refreshCookieOf(request);
      if (!token) throw new DomainError('UNAUTHORIZED', 'No refresh token');
      try {
        const pair = await rotateRefreshToken(app, token);
        return deliver(reply, pair, fromBody ? 'body' : 'cookie');
      } catch (err) {
        // A dead cookie is dropped, so the browser stops presenting it.
        if (!fromBody) clearRefreshCookie(reply, config);
        throw err;
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      config: publicAuth,
      schema: {
        tags: ['auth'],
        summary: 'Log out: revoke the refresh token family',
        description:
          'Revokes the family of the refresh token in the body or, when the body has none, in the ' +
          'refresh cookie, and clears the cookie.',
        body: Type.Object(
          { refreshToken: Type.Optional(RefreshToken) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null({ description: 'Logged out' }), ...errors(400) },
      },
    },
    async (request, reply) => {
      const token = request.body.refreshToken ?? refreshCookieOf(request);
      if (token) await revokeRefreshToken(app, token);
      clearRefreshCookie(reply, config);
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
