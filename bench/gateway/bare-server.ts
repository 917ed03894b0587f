/**
 * The gateway baseline: a bare Fastify route that runs the same SQL as
 * GET /api/v1/accounts/:id (the owner lookup, then the account row) on a pg pool of the same
 * size, with no auth, rate limit, validation, hooks or logging. Listens on BARE_PORT.
 */
import Fastify from 'fastify';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  });
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/accounts/:id', async (request, reply) => {
    const { id } = request.params;
    const owner = await pool.query(
      'select "customer_id" from "accounts" where "accounts"."id" = $1',
      [id],
    );
    if (owner.rowCount === 0) return reply.code(404).send({ error: 'not found' });
    const { rows } = await pool.query('select * from "accounts" where "accounts"."id" = $1', [id]);
    const a = rows[0] as Record<string, string>;
    return {
      id: a.id,
      currency: a.currency,
      status: a.status,
      customerId: a.customer_id,
      balances: {
        posted: Number(BigInt(a.credits_posted!) - BigInt(a.debits_posted!)),
        pending: Number(BigInt(a.credits_pending!) - BigInt(a.debits_pending!)),
      },
    };
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(() => pool.end());
    });
  }
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 3299) });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
