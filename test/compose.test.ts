/**
 * docker-compose.yml must stay in step with the native stack (infra/stack.sh): same host
 * ports, same env var names. Pure file checks: no Docker needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../platform/config';

const ROOT = path.resolve(__dirname, '..');

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  ports?: Array<string | { published?: string | number; target?: number; host_ip?: string }>;
  environment?: Record<string, unknown> | string[];
};
type Compose = { services: Record<string, Service> };

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;

/** host port -> container port for one service; accepts "127.0.0.1:5433:5432", "5433:5432" and long syntax. */
function portMap(svc: Service): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of svc.ports ?? []) {
    if (typeof p === 'string') {
      const parts = p.split('/')[0]!.split(':');
      const target = Number(parts[parts.length - 1]);
      const published = Number(parts.length >= 2 ? parts[parts.length - 2] : target);
      out.set(published, target);
    } else {
      out.set(Number(p.published ?? p.target), Number(p.target));
    }
  }
  return out;
}

function envNames(svc: Service): string[] {
  const env = svc.environment ?? {};
  return Array.isArray(env) ? env.map((e) => e.split('=')[0]!) : Object.keys(env);
}

/**
 * Allowed variable names: .env.example when present (the lead's file documents every
 * variable), else the keys of the zod config schema.
 * TODO(lead): once .env.example is committed, drop the configSchema fallback.
 */
function allowedEnvNames(): { source: string; names: Set<string> } {
  const example = path.join(ROOT, '.env.example');
  if (fs.existsSync(example)) {
    const names = new Set<string>();
    for (const line of fs.readFileSync(example, 'utf8').split('\n')) {
      const m = /^\s*#?\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=/.exec(line);
      if (m) names.add(m[1]!);
    }
    return { source: '.env.example', names };
  }
  return { source: 'platform/config.ts', names: new Set(Object.keys(configSchema.shape)) };
}

// The native stack's ports (infra/lib/*.sh): host port -> what runs there.
const NATIVE_PORTS: Record<string, number[]> = {
  temporal: [7233],
  'temporal-ui': [8233],
  postgres: [5433],
  redis: [6380],
  kafka: [9092],
  api: [3000],
  web: [5173],
};

describe('docker-compose.yml', () => {
  it('defines the infrastructure and application services', () => {
    for (const name of [
      'temporal',
      'temporal-ui',
      'postgres',
      'redis',
      'kafka',
      'api',
      'worker',
      'consumers',
      'web',
    ]) {
      expect(compose.services).toHaveProperty(name);
    }
    expect(compose.services.postgres!.image).toMatch(/^postgres:15/);
    expect(compose.services.redis!.image).toMatch(/^redis:7/);
    expect(compose.services.kafka!.image).toMatch(/^apache\/kafka:3\.9/);
    expect(compose.services.temporal!.image).toMatch(/^temporalio\/auto-setup:/);
    expect(compose.services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  });

  it('publishes the same host ports as the native stack', () => {
    for (const [name, hostPorts] of Object.entries(NATIVE_PORTS)) {
      const published = [...portMap(compose.services[name]!).keys()];
      expect({ name, published }).toEqual({ name, published: expect.arrayContaining(hostPorts) });
    }
    // every published port belongs to exactly one service
    const all = Object.values(compose.services).flatMap((s) => [...portMap(s).keys()]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('builds the app services from the repository Dockerfile with an explicit command', () => {
    for (const name of ['api', 'worker', 'consumers', 'web']) {
      const svc = compose.services[name]!;
      expect(svc.build).toBeDefined();
      expect(svc.command).toBeDefined();
    }
  });

  it('gives api and worker the env var names the app reads', () => {
    const { source, names } = allowedEnvNames();
    for (const name of ['api', 'worker', 'consumers']) {
      const used = envNames(compose.services[name]!);
      for (const required of [
        'DATABASE_URL',
        'REDIS_URL',
        'KAFKA_BROKERS',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'JWT_SECRET',
      ]) {
        expect(used).toContain(required);
      }
      const unknown = used.filter((n) => !names.has(n));
      expect({ service: name, source, unknown }).toEqual({ service: name, source, unknown: [] });
    }
  });

  it('points the app containers at the compose services, not at the host', () => {
    const env = compose.services.api!.environment as Record<string, string>;
    expect(env.DATABASE_URL).toBe('postgres://bank:bank@postgres:5432/bank');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.KAFKA_BROKERS).toBe('kafka:19092');
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.TEMPORAL_NAMESPACE).toBe('default');
  });

  it('creates the same Kafka topics and search attributes as the native stack', () => {
    const kafkaSh = fs.readFileSync(path.join(ROOT, 'infra/lib/kafka.sh'), 'utf8');
    const temporalSh = fs.readFileSync(path.join(ROOT, 'infra/lib/temporal.sh'), 'utf8');
    const nativeTopics = /KAFKA_TOPICS=\(([^)]*)\)/.exec(kafkaSh)![1]!.trim().split(/\s+/);
    const nativeSAs = /TEMPORAL_SEARCH_ATTRIBUTES=\(([^)]*)\)/
      .exec(temporalSh)![1]!
      .trim()
      .split(/\s+/);
    const topicsCmd = String(compose.services['kafka-topics']!.command);
    const saCmd = String(compose.services['temporal-setup']!.command);
    expect(nativeTopics.length).toBeGreaterThanOrEqual(8);
    for (const t of nativeTopics) expect(topicsCmd).toContain(t);
    for (const sa of nativeSAs) expect(saCmd).toContain(sa);
  });
});
