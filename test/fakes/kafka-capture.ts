/**
 * Test helper: captures records appended to a topic after `start`, from every partition, with a
 * fresh consumer group (seeked to the end offsets taken at start, so nothing is missed or replayed).
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface Captured {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface TopicCapture {
  records: Captured[];
  waitFor(
    predicate: (r: Captured) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<Captured[]>;
  stop(): Promise<void>;
}

export async function captureTopics(kafka: Kafka, topics: string[]): Promise<TopicCapture> {
  const admin = kafka.admin();
  await admin.connect();
  const starts = new Map<string, { partition: number; offset: string }[]>();
  for (const t of topics) starts.set(t, await admin.fetchTopicOffsets(t));
  await admin.disconnect();

  const records: Captured[] = [];
  const consumer = kafka.consumer({ groupId: `capture-${randomUUID()}`, sessionTimeout: 30_000 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({ topic, partition, message });
    },
  });
  for (const [topic, parts] of starts) {
    for (const p of parts) consumer.seek({ topic, partition: p.partition, offset: p.offset });
  }
  return {
    records,
    async waitFor(predicate, count = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = records.filter(predicate);
        if (found.length >= count) return found;
        if (Date.now() > deadline)
          throw new Error(`expected ${count} matching records, saw ${found.length}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => consumer.disconnect(),
  };
}
