/**
 * The web client's refresh token travels in an HttpOnly cookie, never in JavaScript's reach:
 * a script injected into the page cannot read or exfiltrate it. API clients keep using the
 * token in the JSON body.
 * - `HttpOnly`, `SameSite=Strict` (never sent on a cross-site request, so no CSRF on refresh or
 *   logout), `Path=/api/v1/auth` (sent to nothing else), `Secure` in production.
 * - A session cookie (no Max-Age): it ends with the browser session; the token's own expiry
 *   (REFRESH_TOKEN_TTL_SECONDS) still bounds it server-side.
 */
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../platform/config';
import { API_PREFIX } from '../plugins/access';

export const REFRESH_COOKIE = 'hb_refresh';
const COOKIE_PATH = `${API_PREFIX}/auth`;

function cookieOptions(config: Config): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.REFRESH_COOKIE_SECURE ?? config.NODE_ENV === 'production',
    path: COOKIE_PATH,
  };
}

export function setRefreshCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(REFRESH_COOKIE, token, cookieOptions(config));
}

export function clearRefreshCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(REFRESH_COOKIE, cookieOptions(config));
}

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE];
  return value ? value : undefined;
}
