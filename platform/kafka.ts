import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

const LEVELS: Record<string, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

// kafkajs warns once per process about its v2 partitioner change; we key records explicitly.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(
  brokers: string[],
  clientId = 'harbor-bank',
  extra: Partial<KafkaConfig> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    // Transient coordinator errors during start-up are retried; tests set KAFKA_LOG_LEVEL=nothing.
    logLevel: LEVELS[process.env.KAFKA_LOG_LEVEL ?? 'warn'] ?? logLevel.WARN,
    retry: { retries: 5, initialRetryTime: 200 },
    ...extra,
  });
}
