import type { Producer } from 'kafkajs';
import type { Db } from '../db/client';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { Redis } from '../platform/redis';

/**
 * Everything activities may touch, built once by the worker (bin/worker.ts) and by tests with
 * clients bound to the test services.
 */
export interface ActivityDeps {
  db: Db;
  redis: Redis;
  /** Idempotent kafkajs producer (acks=all), connected. */
  producer: Producer;
  config: Config;
  logger: Logger;
}
