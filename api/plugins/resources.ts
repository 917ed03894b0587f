/**
 * Owner lookups for the resource kinds the gateway's own routes use (`config.access.resource`):
 * account (ledger accounts), transfer (read model, then the live workflow), customer, user.
 * Other domains register theirs with `app.registerOwnerResolver(kind, fn)` in their route plugin.
 */
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { getTransferStatus } from '../../activities/transfers/transfer.client';
import { users } from '../../db/schema/auth';
import { customers } from '../../db/schema/customers';
import { accounts } from '../../db/schema/ledger';
import { transfers } from '../../db/schema/transfers';
import { isOpaqueId } from '../../domain/ids';

async function resourcesPlugin(app: FastifyInstance) {
  const { db } = app.deps.database;

  // Prepared once (drizzle builds the SQL once); the row serves the handler too (request.resource).
  const accountById = db
    .select()
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare('api_account_by_id');
  app.registerOwnerResolver('account', async (id) => {
    if (!isOpaqueId(id, 'account')) return undefined;
    const [row] = await accountById.execute({ id });
    return row ? { owner: row.customerId, row } : undefined;
  });

  app.registerOwnerResolver('transfer', async (id) => {
    if (!isOpaqueId(id, 'transfer')) return undefined;
    const [row] = await db
      .select({ customerId: transfers.customerId })
      .from(transfers)
      .where(eq(transfers.id, id));
    if (row) return row.customerId;
    // Not in the read model yet (just started): ask the workflow.
    if (!app.deps.temporal) return undefined;
    try {
      const client = await app.deps.temporal();
      const snapshot = await getTransferStatus(client, id, { timeoutMs: 2_000 });
      return snapshot.customerId;
    } catch {
      return undefined;
    }
  });

  app.registerOwnerResolver('customer', async (id) => {
    const [row] = await db.select({ id: customers.id }).from(customers).where(eq(customers.id, id));
    return row ? row.id : undefined;
  });

  app.registerOwnerResolver('user', async (id) => {
    const [row] = await db
      .select({ customerId: users.customerId })
      .from(users)
      .where(eq(users.id, id));
    return row ? row.customerId : undefined;
  });
}

export default fp(resourcesPlugin, { name: 'resources', dependencies: ['access'] });
