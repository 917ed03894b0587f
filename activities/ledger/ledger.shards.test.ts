import { systemAccountIds } from '../../domain/ids';
import { expectLedgerBalanced, ledgerFixture, uniqueId } from '../../test/ledger';
import { createSettlementShards, settlementShardId, shardOf } from './ledger.shards';

const fx = ledgerFixture({ max: 8 });
const { ledger, db } = fx;
const shards = createSettlementShards(db, { shards: 4 });

afterAll(() => fx.close());
afterEach(async () => {
  await expectLedgerBalanced(db);
});

async function customerAccount(): Promise<string> {
  const id = uniqueId('acc', 'shard');
  await ledger.createAccount({ id, currency: 'EUR', kind: 'customer' });
  return id;
}

describe('settlement shards', () => {
  it('picks the same shard for the same transfer id, and spreads ids over every shard', () => {
    expect(shardOf('dep-1', 4)).toBe(shardOf('dep-1', 4));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`dep-${i}`, 4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('deposits from the shard of the id, replays a retry, and sums the position over shards', async () => {
    const account = await customerAccount();
    const before = await shards.settlementPosted('EUR');
    const id = uniqueId('dep');
    const first = await shards.deposit({ id, accountId: account, amount: 700n, currency: 'EUR' });
    expect(first.replayed).toBe(false);
    expect(first.transfer.debitAccountId).toBe(settlementShardId('EUR', shardOf(id, 4)));
    const retry = await shards.deposit({ id, accountId: account, amount: 700n, currency: 'EUR' });
    expect(retry.replayed).toBe(true);
    expect(retry.transfer.debitAccountId).toBe(first.transfer.debitAccountId);
    expect((await ledger.getBalances(account)).posted).toBe(700n);
    expect(await shards.settlementPosted('EUR')).toBe(before - 700n);
  });

  it('keeps concurrent deposits correct and the main settlement row untouched', async () => {
    await shards.ensureShards('EUR');
    const account = await customerAccount();
    const main = await ledger.getAccount(systemAccountIds.settlement('EUR'));
    await Promise.all(
      Array.from({ length: 40 }, () =>
        shards.deposit({ id: uniqueId('dep'), accountId: account, amount: 5n, currency: 'EUR' }),
      ),
    );
    expect((await ledger.getBalances(account)).posted).toBe(200n);
    const mainAfter = await ledger.getAccount(systemAccountIds.settlement('EUR'));
    expect(mainAfter.debitsPosted).toBe(main.debitsPosted);
  });
});
