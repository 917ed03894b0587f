/**
 * Creates a support or ops user in the app database (there is no public route for that, by design).
 * Usage (from the repo root): tsx web/e2e/support/seed-staff.ts <support|ops> <email> <password>
 */
import { createDatabase } from '../../../db/client';
import { createUser } from '../../../api/lib/users';

async function main() {
  const [role, email, password] = process.argv.slice(2);
  if ((role !== 'support' && role !== 'ops') || !email || !password) {
    throw new Error('usage: seed-staff.ts <support|ops> <email> <password>');
  }
  const url = process.env.DATABASE_URL ?? 'postgres://bank:bank@127.0.0.1:5433/bank';
  const database = createDatabase(url, { max: 1 });
  try {
    await createUser(database.db, { email, password, fullName: `E2E ${role}`, roles: [role] });
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
