// Runs in every test worker before the test file: point the app at the test services.
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://bank:bank@127.0.0.1:5433/bank_test';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6380';
process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
process.env.TEMPORAL_ADDRESS ??= '127.0.0.1:7233';
process.env.JWT_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
process.env.DATA_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString('base64');
process.env.LOG_LEVEL ??= 'silent';
process.env.DATA_DIR ??= '.data/test';
process.env.KAFKA_LOG_LEVEL ??= 'nothing';
