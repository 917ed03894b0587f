/**
 * One typed config, parsed from process.env at start-up. A bad or missing value fails fast and
 * names the variable. Every variable is documented in .env.example.
 */
import fs from 'node:fs';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
/** An optional string where an empty value (`FOO=` in .env) means unset. */
/** Unset or empty: undefined (the library's default); else an integer ≥ min. */
const optionalInt = (min: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).optional());
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),

  DATABASE_URL: z.string().url().default('postgres://bank:bank@127.0.0.1:5433/bank'),
  DATABASE_POOL_SIZE: int(10),
  /** Worker tuning (unset: the SDK's defaults). Sticky cache size bounds the worker's memory. */
  /** A prebuilt workflow bundle (`npm run build:workflows`); unset: bundle at start-up. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  WORKER_MAX_CACHED_WORKFLOWS: optionalInt(1),
  WORKER_MAX_CONCURRENT_ACTIVITIES: optionalInt(1),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalInt(2),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6380'),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim())),
  KAFKA_CLIENT_ID: z.string().default('harbor-bank'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('harbor-bank'),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.default(false),
  /** mTLS client certificate and key (PEM files), e.g. for Temporal Cloud: both or neither. */
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  /** host:port of the worker's Temporal SDK Prometheus exporter (appended to its /metrics). */
  TEMPORAL_METRICS_BIND: z.string().min(1).default('127.0.0.1:9466'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: int(3000),
  WEB_URL: z.string().url().default('http://127.0.0.1:5173'),
  CORS_ORIGINS: z
    .string()
    .default('http://127.0.0.1:5173,http://localhost:5173')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  ACCESS_TOKEN_TTL_SECONDS: int(900),
  REFRESH_TOKEN_TTL_SECONDS: int(7 * 24 * 3600),
  /** `Secure` on the web client's refresh cookie; default: on when NODE_ENV=production. */
  REFRESH_COOKIE_SECURE: z.preprocess((v) => (v === '' ? undefined : v), bool.optional()),
  RATE_LIMIT_PER_MINUTE: int(100),
  AUTH_RATE_LIMIT_PER_MINUTE: int(10),
  /** Key for encrypting national ids at rest: 32 bytes, base64. */
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),

  /** Transfers above this amount (minor units) go to review by default: $50,000. */
  FRAUD_REVIEW_THRESHOLD_MINOR: z.coerce.bigint().default(5_000_000n),
  FRAUD_REVIEW_SCORE: int(50),
  FRAUD_BLOCK_SCORE: int(90),
  TRANSFER_REVIEW_TIMEOUT_SECONDS: int(72 * 3600),
  TRANSFER_HOLD_WAIT_MS: int(5000),
  SUPPORT_STUCK_AFTER_SECONDS: int(900),
  KYC_REVIEW_ESCALATE_AFTER_SECONDS: int(48 * 3600),

  DATA_DIR: z.string().default('.data'),

  GROQ_API_KEY: z.string().optional(),
  GROQ_BASE_URL: z.string().url().optional(),
  GROQ_MODEL: z.string().default('llama-3.3-70b-versatile'),
  GROQ_TIMEOUT_MS: int(15000),

  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Harbor Bank <no-reply@harbor.example>'),
  SMS_GATEWAY_URL: z.string().url().optional(),

  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** /metrics, /health and /ready of the worker (the API serves them on API_PORT). */
  METRICS_PORT: int(9464),
  /** The same for the consumers process. */
  CONSUMERS_METRICS_PORT: int(9465),
});

/** Cross-field rules that the per-variable schema cannot express. */
const checkedSchema = configSchema.superRefine((cfg, ctx) => {
  if (Boolean(cfg.TEMPORAL_TLS_CERT_PATH) !== Boolean(cfg.TEMPORAL_TLS_KEY_PATH)) {
    const missing = cfg.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH are set together or not at all',
    });
  }
  for (const key of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'] as const) {
    const file = cfg[key];
    if (file && !isReadableFile(file)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `cannot read ${file}` });
    }
  }
});

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = checkedSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide config, parsed once. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
