import fs from 'node:fs';
import path from 'node:path';
import { configSchema, parseConfig } from './config';

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
