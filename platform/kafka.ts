import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

export function createKafka(
  brokers: string[],
  clientId = 'harbor-bank',
  extra: Partial<KafkaConfig> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 5, initialRetryTime: 200 },
    ...extra,
  });
}
