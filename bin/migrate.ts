/** Applies committed migrations to DATABASE_URL. Run by the start script and on worker start. */
import { createDatabase, runMigrations } from '../db/client';
import { config } from '../platform/config';
import { createLogger } from '../platform/logger';

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ name: 'migrate', level: cfg.LOG_LEVEL });
  const database = createDatabase(cfg.DATABASE_URL, { max: 1 });
  try {
    await runMigrations(database.db);
    logger.info('migrations applied');
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
