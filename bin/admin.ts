/**
 * Admin CLI: `npm run admin -- create-user --email E --password P --role customer|support|ops [--name N]`.
 * Creates the user (customers get a customer record too) and prints it as JSON.
 */
import { parseArgs } from 'node:util';
import { createUser } from '../api/lib/users';
import { createDatabase, runMigrations } from '../db/client';
import { USER_ROLES, type UserRole } from '../db/schema/auth';
import { isDomainError } from '../domain/errors';
import { config } from '../platform/config';

const USAGE =
  'usage: npm run admin -- create-user --email E --password P --role customer|support|ops [--role …] [--name "Full Name"]';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create-user') {
    console.error(USAGE);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string', multiple: true },
      name: { type: 'string' },
    },
    strict: true,
  });
  const roles = (values.role ?? ['customer']) as UserRole[];
  if (!values.email || !values.password || roles.some((r) => !USER_ROLES.includes(r))) {
    console.error(USAGE);
    return 2;
  }
  const cfg = config();
  const database = createDatabase(cfg.DATABASE_URL, { max: 1 });
  try {
    await runMigrations(database.db);
    const user = await createUser(database.db, {
      email: values.email,
      password: values.password,
      fullName: values.name,
      roles,
    });
    console.log(JSON.stringify(user, null, 2));
    return 0;
  } catch (err) {
    if (isDomainError(err)) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
