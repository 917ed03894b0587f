/**
 * pino JSON logs. Secrets and PII are redacted by path, here, once, for every process. Every line
 * carries the active trace id/span id and, inside an activity, the workflow id (logContextMixin);
 * request lines also carry Fastify's `reqId`.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { logContextMixin } from './log-context';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  // Plugins log their own copies of the request headers (@fastify/multipart at trace level:
  // `busboyOptions.headers`).
  '*.headers.authorization',
  '*.headers.cookie',
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

export interface LoggerOpts {
  level?: string;
  /** Human-readable output; ignored in production, where logs are always JSON. */
  pretty?: boolean;
  name?: string;
  /** Where lines go (default stdout): tests capture them here. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOpts = {}): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    base: { service: opts.name },
    mixin: logContextMixin,
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty && process.env.NODE_ENV !== 'production') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

export type { Logger };
