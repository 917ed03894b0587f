import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema, parseConfig } from './config';
import { temporalOptionsFromConfig, temporalTls } from './temporal';

const valid = {
  JWT_SECRET: 'x'.repeat(40),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('config', () => {
  it('parses defaults into typed values', () => {
    const cfg = parseConfig(valid);
    expect(cfg.API_PORT).toBe(3000);
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(cfg.FRAUD_REVIEW_THRESHOLD_MINOR).toBe(5_000_000n);
  });

  it('reads REFRESH_COOKIE_SECURE as unset when empty, and as a boolean otherwise', () => {
    expect(parseConfig({ ...valid, REFRESH_COOKIE_SECURE: '' }).REFRESH_COOKIE_SECURE).toBe(
      undefined,
    );
    expect(parseConfig({ ...valid, REFRESH_COOKIE_SECURE: 'true' }).REFRESH_COOKIE_SECURE).toBe(
      true,
    );
    expect(parseConfig({ ...valid, REFRESH_COOKIE_SECURE: '0' }).REFRESH_COOKIE_SECURE).toBe(false);
    expect(() => parseConfig({ ...valid, REFRESH_COOKIE_SECURE: 'yes' })).toThrow(
      /REFRESH_COOKIE_SECURE/,
    );
  });

  it('fails fast naming the missing variable', () => {
    expect(() => parseConfig({ DATA_ENCRYPTION_KEY: valid.DATA_ENCRYPTION_KEY })).toThrow(
      /JWT_SECRET/,
    );
  });

  it('fails fast naming a malformed variable', () => {
    expect(() => parseConfig({ ...valid, API_PORT: 'eighty' })).toThrow(/API_PORT/);
    expect(() => parseConfig({ ...valid, DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => parseConfig({ ...valid, DATA_ENCRYPTION_KEY: 'short' })).toThrow(
      /DATA_ENCRYPTION_KEY/,
    );
  });

  it('takes the Temporal mTLS certificate and key together, and only readable files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbor-tls-'));
    const crt = path.join(dir, 'client.pem');
    const key = path.join(dir, 'client.key');
    fs.writeFileSync(crt, 'cert');
    fs.writeFileSync(key, 'key');
    try {
      const cfg = parseConfig({
        ...valid,
        TEMPORAL_TLS_CERT_PATH: crt,
        TEMPORAL_TLS_KEY_PATH: key,
        TEMPORAL_METRICS_BIND: '0.0.0.0:9466',
      });
      expect(cfg.TEMPORAL_TLS_CERT_PATH).toBe(crt);
      expect(cfg.TEMPORAL_METRICS_BIND).toBe('0.0.0.0:9466');
      expect(temporalTls(temporalOptionsFromConfig(cfg))?.clientCertPair?.key.toString()).toBe(
        'key',
      );
      // Empty values (as in .env.example) mean unset: no TLS at all.
      const plain = parseConfig({
        ...valid,
        TEMPORAL_TLS_CERT_PATH: '',
        TEMPORAL_TLS_KEY_PATH: '',
      });
      expect(plain.TEMPORAL_TLS_CERT_PATH).toBeUndefined();
      expect(temporalTls(temporalOptionsFromConfig(plain))).toBeUndefined();
      expect(() => parseConfig({ ...valid, TEMPORAL_TLS_CERT_PATH: crt })).toThrow(
        /TEMPORAL_TLS_KEY_PATH/,
      );
      expect(() => parseConfig({ ...valid, TEMPORAL_TLS_KEY_PATH: key })).toThrow(
        /TEMPORAL_TLS_CERT_PATH/,
      );
      expect(() =>
        parseConfig({
          ...valid,
          TEMPORAL_TLS_CERT_PATH: crt,
          TEMPORAL_TLS_KEY_PATH: path.join(dir, 'missing.key'),
        }),
      ).toThrow(/TEMPORAL_TLS_KEY_PATH: cannot read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every variable in .env.example, and nothing unknown', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const documented = new Set(
      text
        .split('\n')
        .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
        .filter((n): n is string => Boolean(n)),
    );
    const known = new Set([...Object.keys(configSchema.shape), 'TEST_DATABASE_URL']);
    for (const name of known) expect(documented).toContain(name);
    for (const name of documented) expect(known).toContain(name);
  });
});
