/**
 * Property-based: random sequences of single transfers, holds, posts (full, partial, too large),
 * voids and replays over a few accounts, run against the real ledger and a tiny in-memory model.
 * Every step's outcome (success or error code) must match the model; at the end of each run the
 * balances agree with the model, no customer account has negative available, and the invariant
 * holds.
 */
import fc from 'fast-check';
import { isDomainError } from '../../domain/errors';
import {
  createFundedAccount,
  expectLedgerBalanced,
  ledgerFixture,
  uniqueId,
} from '../../test/ledger';
import type { CreateTransferInput } from './ledger.service';

jest.setTimeout(240_000);

const fx = ledgerFixture();
const { ledger, db } = fx;
afterAll(() => fx.close());

const ACCOUNTS = 3;

type Op =
  | { t: 'single' | 'hold'; from: number; to: number; amount: bigint }
  | { t: 'post'; hold: number; amount: bigint | null }
  | { t: 'void'; hold: number }
  | { t: 'replay'; which: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constantFrom('single' as const, 'hold' as const),
    from: fc.nat(ACCOUNTS - 1),
    to: fc.nat(ACCOUNTS - 1),
    amount: fc.bigInt({ min: 1n, max: 60n }),
  }),
  fc.record({
    t: fc.constant('post' as const),
    hold: fc.nat(),
    amount: fc.option(fc.bigInt({ min: 1n, max: 70n })),
  }),
  fc.record({ t: fc.constant('void' as const), hold: fc.nat() }),
  fc.record({ t: fc.constant('replay' as const), which: fc.nat() }),
);

interface ModelAccount {
  posted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  overdraft: bigint;
}
interface ModelHold {
  id: string;
  from: number;
  to: number;
  amount: bigint;
  resolved: boolean;
}

const available = (a: ModelAccount) => a.posted - a.debitsPending + a.overdraft;

describe('ledger properties', () => {
  it('random operation sequences keep the invariant, never overdraw, and match the model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 0n, max: 100n }), { minLength: ACCOUNTS, maxLength: ACCOUNTS }),
        fc.array(opArb, { minLength: 1, maxLength: 30 }),
        async (initial, ops) => {
          const ids: string[] = [];
          const model: ModelAccount[] = [];
          for (let i = 0; i < ACCOUNTS; i++) {
            const overdraft = i === 2 ? 25n : 0n;
            ids.push(
              await createFundedAccount(ledger, {
                balance: initial[i]!,
                overdraftLimit: overdraft,
              }),
            );
            model.push({ posted: initial[i]!, debitsPending: 0n, creditsPending: 0n, overdraft });
          }
          const holds: ModelHold[] = [];
          const done: CreateTransferInput[] = [];

          for (const op of ops) {
            let input: CreateTransferInput;
            let expected: string; // 'ok', 'replay' or an error code
            let apply = () => {};
            if (op.t === 'replay') {
              if (done.length === 0) continue;
              input = done[op.which % done.length]!;
              expected = 'replay';
            } else if (op.t === 'single' || op.t === 'hold') {
              const id = uniqueId('ltr', op.t);
              input = {
                id,
                kind: op.t === 'single' ? 'single' : 'pending',
                debitAccountId: ids[op.from]!,
                creditAccountId: ids[op.to]!,
                amount: op.amount,
                currency: 'USD',
              };
              const from = model[op.from]!;
              const to = model[op.to]!;
              if (op.from === op.to) expected = 'SAME_ACCOUNT';
              else if (available(from) < op.amount) expected = 'INSUFFICIENT_FUNDS';
              else {
                expected = 'ok';
                apply = () => {
                  if (op.t === 'single') {
                    from.posted -= op.amount;
                    to.posted += op.amount;
                  } else {
                    from.debitsPending += op.amount;
                    to.creditsPending += op.amount;
                    holds.push({
                      id,
                      from: op.from,
                      to: op.to,
                      amount: op.amount,
                      resolved: false,
                    });
                  }
                };
              }
            } else {
              if (holds.length === 0) continue;
              const r = op as Extract<Op, { t: 'post' | 'void' }>;
              const hold = holds[r.hold % holds.length]!;
              const postAmount = r.t === 'post' ? r.amount : null;
              const isPost = r.t === 'post';
              const amount = postAmount ?? hold.amount;
              input = {
                id: uniqueId('ltr', r.t),
                kind: isPost ? 'post_pending' : 'void_pending',
                pendingId: hold.id,
                ...(postAmount !== null ? { amount: postAmount } : {}),
              };
              if (isPost && amount > hold.amount) expected = 'EXCEEDS_PENDING_AMOUNT';
              else if (hold.resolved) expected = 'PENDING_TRANSFER_ALREADY_RESOLVED';
              else {
                expected = 'ok';
                apply = () => {
                  const from = model[hold.from]!;
                  const to = model[hold.to]!;
                  from.debitsPending -= hold.amount;
                  to.creditsPending -= hold.amount;
                  if (isPost) {
                    from.posted -= amount;
                    to.posted += amount;
                  }
                  hold.resolved = true;
                };
              }
            }

            let actual: string;
            try {
              const result = await ledger.createTransfer(input);
              actual = result.replayed ? 'replay' : 'ok';
            } catch (err) {
              if (!isDomainError(err)) throw err;
              actual = err.code;
            }
            expect({ op: op.t, outcome: actual }).toEqual({ op: op.t, outcome: expected });
            if (actual === 'ok') {
              apply();
              done.push(input);
            }
          }

          for (let i = 0; i < ACCOUNTS; i++) {
            const b = await ledger.getBalances(ids[i]!);
            const m = model[i]!;
            expect({
              account: i,
              posted: b.posted,
              pending: b.pending,
              available: b.available,
            }).toEqual({
              account: i,
              posted: m.posted,
              pending: m.creditsPending - m.debitsPending,
              available: available(m),
            });
            expect(b.available).toBeGreaterThanOrEqual(0n);
          }
        },
      ),
      { numRuns: 30 },
    );
    await expectLedgerBalanced(db);
  });

  it('random concurrent batches never overdraw and keep the invariant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            from: fc.nat(ACCOUNTS - 1),
            to: fc.nat(ACCOUNTS - 1),
            amount: fc.bigInt({ min: 1n, max: 40n }),
            hold: fc.boolean(),
          }),
          { minLength: 5, maxLength: 40 },
        ),
        async (batch) => {
          const ids: string[] = [];
          for (let i = 0; i < ACCOUNTS; i++)
            ids.push(await createFundedAccount(ledger, { balance: 50n }));
          const results = await Promise.allSettled(
            batch
              .filter((t) => t.from !== t.to)
              .map((t) =>
                ledger.createTransfer({
                  id: uniqueId('ltr', 'cb'),
                  kind: t.hold ? 'pending' : 'single',
                  debitAccountId: ids[t.from]!,
                  creditAccountId: ids[t.to]!,
                  amount: t.amount,
                  currency: 'USD',
                }),
              ),
          );
          for (const r of results) {
            if (r.status === 'rejected')
              expect(isDomainError(r.reason) && r.reason.code).toBe('INSUFFICIENT_FUNDS');
          }
          let total = 0n;
          for (const id of ids) {
            const b = await ledger.getBalances(id);
            expect(b.available).toBeGreaterThanOrEqual(0n);
            total += b.posted;
          }
          expect(total).toBe(150n);
        },
      ),
      { numRuns: 15 },
    );
    await expectLedgerBalanced(db);
  });
});
