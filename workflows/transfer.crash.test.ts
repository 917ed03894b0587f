/**
 * Crash test: the TransferWorkflow worker runs as its own process (test/support/transfer-worker.ts,
 * real ledger and read model on the per-run database) and is killed with SIGKILL twice while
 * transfers are in flight, first mid-hold, then mid-post/void, and started again each time.
 * Activities are slowed before and after their real call, so a kill loses both work not yet done
 * and replies of writes already committed. Afterwards every transfer has ended exactly once:
 * the expected outcome, each balance moved once, exactly the expected ledger rows, no hold left
 * pending, and the invariant holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { inArray, like, or } from 'drizzle-orm';
import { rejectTransfer, startTransfer } from '../activities/transfers/transfer.client';
import { getTransfer } from '../activities/transfers/transfers.service';
import { ledgerEntries, ledgerTransfers } from '../db/schema/ledger';
import { ledgerIds, workflowIds } from '../domain/ids';
import { uniqueTaskQueue, workflowEnv } from '../test/harness';
import { createFundedAccount, expectLedgerBalanced, ledgerFixture, uniqueId } from '../test/ledger';
import { REPO_ROOT, workflowBundlePath } from '../test/paths';
import type { TransferInput, TransferSnapshot } from './transfer.messages';
import type { transferWorkflow } from './transfer.workflow';

jest.setTimeout(240_000);

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const WORKER_SCRIPT = path.join(REPO_ROOT, 'test', 'support', 'transfer-worker.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until `ok`, or fails with the last value. */
async function until<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 90_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time (${String(v)})`);
    await sleep(everyMs);
  }
}

/**
 * One worker process. Spawned detached, so SIGKILL to its process group also hits tsx's node child.
 * It starts as a warm standby (loaded, connected, worker created, not polling) and polls once
 * activated: a restart after a kill then costs no start-up time on a loaded machine.
 */
class WorkerProcess {
  private readonly child: ChildProcess;
  private output = '';
  private readonly created: Promise<void>;

  constructor(env: NodeJS.ProcessEnv) {
    const child = spawn(TSX, [WORKER_SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...env, START_ON_STDIN: '1' },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (b: Buffer) => {
      this.output = (this.output + b.toString()).slice(-8_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.created = this.waitFor('worker created');
    this.created.catch(() => undefined); // surfaced by activate()
  }

  private waitFor(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!this.output.includes(line)) return;
        cleanup();
        resolve();
      };
      const exited = (code: number | null) => {
        cleanup();
        reject(new Error(`worker exited (${code}) before '${line}':\n${this.output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no '${line}' from the worker in time:\n${this.output}`));
      }, 180_000);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.off('exit', exited);
      };
      this.child.stdout!.on('data', check);
      this.child.once('exit', exited);
      check();
    });
  }

  /** Starts polling the task queue. */
  async activate(): Promise<void> {
    await this.created;
    this.child.stdin!.write('go\n');
    await this.waitFor('worker ready');
  }

  /** SIGKILL the whole process group and wait until none of it is left. */
  async kill(): Promise<void> {
    const group = -this.child.pid!;
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      return; // already gone
    }
    for (;;) {
      try {
        process.kill(group, 0);
      } catch {
        return; // ESRCH: no process of the group is left
      }
      await sleep(20);
    }
  }
}

describe('TransferWorkflow survives worker crashes (SIGKILL)', () => {
  let env: TestWorkflowEnvironment;
  const fx = ledgerFixture({ max: 4 });
  const taskQueue = uniqueTaskQueue('crash');
  const workerEnv = {
    ...process.env,
    TASK_QUEUE: taskQueue,
    DATABASE_URL: process.env.DATABASE_URL,
    WORKFLOW_BUNDLE_PATH: workflowBundlePath(),
    ACTIVITY_DELAY_MS: '300',
    ACTIVITY_DELAY_AFTER_MS: '300',
  };
  // Three processes, one per run, all warming up from the start (a cold start of a worker takes
  // seconds, much longer on a busy machine, and would dominate the test).
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    workers = [1, 2, 3].map(() => new WorkerProcess(workerEnv));
    env = await workflowEnv('existing');
  });
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await env?.teardown();
    await fx.close();
  });

  it('every transfer ends exactly once: no lost, doubled or leaked money', async () => {
    // Independent transfers, two contending for funds only one can have, and one sent to review.
    const solo = await Promise.all(
      [1_000n, 1_100n, 1_200n, 1_300n].map(async (amount) => {
        const customerId = uniqueId('cus');
        return {
          amount,
          customerId,
          from: await createFundedAccount(fx.ledger, { balance: 10_000n, customerId }),
          to: await createFundedAccount(fx.ledger),
        };
      }),
    );
    const contestedCustomer = uniqueId('cus');
    const contestedFrom = await createFundedAccount(fx.ledger, {
      balance: 1_500n,
      customerId: contestedCustomer,
    });
    const contestedTo = await createFundedAccount(fx.ledger);
    const reviewCustomer = uniqueId('cus');
    const reviewFrom = await createFundedAccount(fx.ledger, {
      balance: 10_000_000n,
      customerId: reviewCustomer,
    });
    const reviewTo = await createFundedAccount(fx.ledger);

    const input = (customerId: string, from: string, to: string, amount: bigint) => ({
      transferId: uniqueId('trf'),
      customerId,
      fromAccountId: from,
      toAccountId: to,
      amount: amount.toString(),
      currency: 'USD',
      reviewTimeoutSeconds: 600,
    });
    const solos = solo.map((s) => input(s.customerId, s.from, s.to, s.amount));
    const contested = [1, 2].map(() =>
      input(contestedCustomer, contestedFrom, contestedTo, 1_000n),
    );
    const review = input(reviewCustomer, reviewFrom, reviewTo, 6_000_000n);
    const all: TransferInput[] = [...solos, ...contested, review];
    const ids = all.map((t) => t.transferId);
    const rowsOf = (kind: 'hold' | 'post' | 'void') =>
      fx.db
        .select({ id: ledgerTransfers.id })
        .from(ledgerTransfers)
        .where(inArray(ledgerTransfers.id, ids.map(ledgerIds[kind])));

    // Run 1: start the transfers staggered; kill the worker as soon as the first hold lands,
    // while later transfers are still validating or not even started.
    const [first, second, third] = workers as [WorkerProcess, WorkerProcess, WorkerProcess];
    await first.activate();
    const starting = (async () => {
      for (const t of all) {
        await startTransfer(env.client, t, { taskQueue, waitMs: 50 });
        await sleep(100);
      }
    })();
    await until(
      'first hold',
      () => rowsOf('hold'),
      (r) => r.length > 0,
    );
    await first.kill();
    expect((await rowsOf('hold')).length).toBeGreaterThan(0);
    expect(await rowsOf('post')).toEqual([]); // killed mid-hold: nothing posted yet

    // Run 2: kill at the first post. Meanwhile a reviewer rejects the review transfer as soon as
    // it waits for review (its void races the posts and the kill; a reject lost with the worker
    // is re-sent, a duplicate is refused with INVALID_STATE because the first one landed).
    await second.activate();
    await starting;
    let reviewing = true;
    const reviewer = (async () => {
      while (reviewing) {
        const row = await getTransfer(fx.db, review.transferId);
        if (row?.status === 'REJECTED') return;
        if (row?.status === 'AWAITING_REVIEW') {
          try {
            await env.client.withDeadline(Date.now() + 5_000, () =>
              rejectTransfer(env.client, review.transferId, {
                actor: 'usr_reviewer',
                reason: 'crash test',
              }),
            );
            return;
          } catch (err) {
            if ((err as { code?: string }).code === 'INVALID_STATE') return;
          }
        }
        await sleep(200);
      }
    })();
    try {
      await until(
        'first post',
        () => rowsOf('post'),
        (r) => r.length > 0,
      );
      await second.kill();
      const atKill = await Promise.all(ids.map((id) => getTransfer(fx.db, id)));
      // Killed mid-post: no transfer had completed yet.
      expect(atKill.filter((r) => r?.status === 'COMPLETED')).toEqual([]);

      // Run 3: everything finishes.
      await third.activate();
      await reviewer;
    } finally {
      reviewing = false;
    }
    const finals = await Promise.all(
      ids.map((id) =>
        env.client.workflow.getHandle<typeof transferWorkflow>(workflowIds.transfer(id)).result(),
      ),
    );
    const byId = new Map<string, TransferSnapshot>(finals.map((f) => [f.transferId, f]));
    const final = (t: TransferInput) => byId.get(t.transferId)!;

    // Outcomes.
    for (const t of solos) expect(final(t).status).toBe('COMPLETED');
    expect(contested.map((t) => `${final(t).status}:${final(t).failureCode}`).sort()).toEqual([
      'COMPLETED:null',
      'FAILED:INSUFFICIENT_FUNDS',
    ]);
    expect([final(review).status, final(review).failureCode]).toEqual([
      'REJECTED',
      'REVIEW_REJECTED',
    ]);

    // Exactly the expected ledger rows per transfer: no double hold/post, nothing leaked.
    const rows = await fx.db
      .select({ id: ledgerTransfers.id, kind: ledgerTransfers.kind })
      .from(ledgerTransfers)
      .where(or(...ids.map((id) => like(ledgerTransfers.id, `${id}:%`))));
    const kindsOf = (id: string) =>
      rows
        .filter((r) => r.id.startsWith(`${id}:`))
        .map((r) => `${r.id.slice(id.length + 1)}=${r.kind}`)
        .sort();
    for (const t of all) {
      const f = final(t);
      const expected =
        f.status === 'COMPLETED'
          ? ['hold=pending', 'post=post_pending']
          : f.status === 'REJECTED'
            ? ['hold=pending', 'void=void_pending']
            : [];
      expect({ id: t.transferId, rows: kindsOf(t.transferId) }).toEqual({
        id: t.transferId,
        rows: expected,
      });
    }
    // Each post wrote its two statement entries once.
    const posts = ids.map(ledgerIds.post).filter((id) => rows.some((r) => r.id === id));
    const entries = await fx.db
      .select({ transferId: ledgerEntries.transferId })
      .from(ledgerEntries)
      .where(inArray(ledgerEntries.transferId, posts));
    expect(entries).toHaveLength(posts.length * 2);

    // Balances moved exactly once; no pending amounts left anywhere.
    const expectBalance = async (accountId: string, posted: bigint) => {
      const b = await fx.ledger.getBalances(accountId);
      expect({
        accountId,
        posted: b.posted,
        debitsPending: b.debitsPending,
        creditsPending: b.creditsPending,
      }).toEqual({
        accountId,
        posted,
        debitsPending: 0n,
        creditsPending: 0n,
      });
    };
    for (const s of solo) {
      await expectBalance(s.from, 10_000n - s.amount);
      await expectBalance(s.to, s.amount);
    }
    await expectBalance(contestedFrom, 500n);
    await expectBalance(contestedTo, 1_000n);
    await expectBalance(reviewFrom, 10_000_000n);
    await expectBalance(reviewTo, 0n);

    // The read model caught up with every final state.
    for (const t of all) {
      const row = await until(
        'read model',
        () => getTransfer(fx.db, t.transferId),
        (r) => r?.status === final(t).status,
        10_000,
        100,
      );
      expect(row?.timeline).toEqual(final(t).timeline);
    }
    await expectLedgerBalanced(fx.db);
  });
});
