/**
 * Fixtures for the onboarding tests (KYC, account opening, scheduled payments): customers in the
 * test database, document bytes, and the real event activities (kafkajs → the stack's Kafka) with
 * a record of what was published, so tests can assert on event types.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Producer } from 'kafkajs';
import type { Database } from '../db/client';
import { customers } from '../db/schema/customers';
import { users } from '../db/schema/auth';
import type { DomainEventInput } from '../domain/events';
import { assertPublishable, createEventActivities } from '../activities/events/events.activities';
import { createKafka } from '../platform/kafka';
import type { EnvKind } from './harness';
import { eq } from 'drizzle-orm';
import { kycApplications } from '../db/schema/kyc';
import { encryptNationalId } from '../activities/kyc/national-id';
import { expectLedgerBalanced } from './ledger';

export function randomSuffix(n = 10): string {
  return randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, n);
}

export async function createTestCustomer(
  db: Database['db'],
  fullName = 'Test Customer',
): Promise<string> {
  const suffix = randomSuffix();
  const customerId = `cus_${suffix}`;
  const userId = `usr_${suffix}`;
  await db.insert(users).values({
    id: userId,
    email: `${suffix}@example.test`,
    passwordHash: 'x',
    customerId,
  } as typeof users.$inferInsert);
  await db
    .insert(customers)
    .values({ id: customerId, userId, fullName, email: `${suffix}@example.test` });
  return customerId;
}

export function pngBytes(size = 256): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, randomBytes(size - sig.length)]);
}

export function pdfBytes(size = 256): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  return Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]);
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The stack's dev server when it is up (fastest); otherwise a fresh local dev server. */
export async function preferredEnvKind(): Promise<EnvKind> {
  const [host, port] = (process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233').split(':');
  return (await reachable(host ?? '127.0.0.1', Number(port ?? 7233))) ? 'existing' : 'local';
}

export interface RecordingEvents {
  activities: {
    publishEvents(events: DomainEventInput[]): Promise<{ published: number; ids: string[] }>;
  };
  published: DomainEventInput[];
  close(): Promise<void>;
}

/**
 * Real publishing to Kafka, recorded for assertions. When the stack's Kafka is not reachable the
 * events are validated (same schema check as the real activity) and recorded only.
 */
export async function recordingEventActivities(): Promise<RecordingEvents> {
  const published: DomainEventInput[] = [];
  const broker = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0]!;
  const [host, port] = broker.split(':');
  if (!(await reachable(host ?? '127.0.0.1', Number(port ?? 9092)))) {
    return {
      published,
      activities: {
        async publishEvents(events) {
          assertPublishable(events);
          published.push(...events);
          return { published: events.length, ids: events.map((e) => e.id) };
        },
      },
      close: async () => undefined,
    };
  }
  const producer: Producer = createKafka(
    (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    'onboarding-test',
  ).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const real = createEventActivities({ producer });
  return {
    published,
    activities: {
      async publishEvents(events) {
        const result = await real.publishEvents(events);
        published.push(...events);
        return result;
      },
    },
    close: () => producer.disconnect(),
  };
}

/** A customer whose latest KYC attempt is APPROVED (inserted directly; the workflow has its own tests). */
export async function createApprovedCustomer(db: Database['db']): Promise<string> {
  const customerId = await createTestCustomer(db);
  await db.insert(kycApplications).values({
    id: `kyc_${customerId.slice(4)}-a1`,
    customerId,
    attempt: 1,
    status: 'APPROVED',
    legalName: 'Approved Customer',
    dateOfBirth: '1985-06-01',
    address: { line1: '1 Main St', city: 'Boston', postalCode: '02110', country: 'US' },
    country: 'US',
    nationalIdEnc: encryptNationalId('987654321', process.env.DATA_ENCRYPTION_KEY!),
    nationalIdLast4: '4321',
    workflowId: `kyc-${customerId}`,
    decidedBy: 'system:test',
    decidedAt: new Date(),
  });
  await db.update(customers).set({ kycStatus: 'APPROVED' }).where(eq(customers.id, customerId));
  return customerId;
}

/** The ledger invariant holds (both halves: currency sums and per-account recomputation). */
export async function expectInvariantHolds(db: Database['db']): Promise<void> {
  await expectLedgerBalanced(db);
}
