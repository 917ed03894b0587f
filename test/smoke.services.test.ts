import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createDatabase } from '../db/client';
import { createRedis } from '../platform/redis';
import { createKafka } from '../platform/kafka';

describe('service smoke', () => {
  it('queries the migrated schema in Postgres', async () => {
    const database = createDatabase(process.env.DATABASE_URL!);
    try {
      const result = await database.db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(Number(result.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await database.close();
    }
  });

  it('round-trips a value through Redis', async () => {
    const redis = createRedis(process.env.REDIS_URL!);
    try {
      const key = `smoke:${randomUUID()}`;
      await redis.set(key, 'value', 'EX', 30);
      expect(await redis.get(key)).toBe('value');
    } finally {
      redis.disconnect();
    }
  });

  it('produces and consumes a Kafka message through kafkajs', async () => {
    const kafka = createKafka(process.env.KAFKA_BROKERS!.split(','), 'smoke-test');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    const marker = randomUUID();
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: 'smoke-test', fromBeginning: false });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const value = message.value?.toString();
            if (value === marker) resolve(value);
          },
        });
      });
      // The group must own the partition before the send, or `fromBeginning: false` skips it.
      await new Promise((r) => setTimeout(r, 3000));
      await producer.send({
        topic: 'smoke-test',
        acks: -1,
        messages: [{ key: 'k', value: marker }],
      });
      await expect(received).resolves.toBe(marker);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 60_000);
});
