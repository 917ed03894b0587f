/**
 * pino JSON logs. Secrets and PII are redacted by path, here, once, for every process.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'totp',
  'secret',
  'nationalId',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.totp',
  '*.secret',
  '*.nationalId',
  'body.password',
  'body.nationalId',
];

export function createLogger(
  opts: { level?: string; pretty?: boolean; name?: string } = {},
): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    base: { service: opts.name },
  };
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

export type { Logger };
