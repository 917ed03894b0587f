/**
 * The checks every chaos scenario ends with. Each compares what the system holds against an
 * expectation computed independently of it (the client's own record of what it asked for), so
 * each can fail:
 *
 * - terminal:       every transfer the client created reached a terminal status (read model) and
 *                   its workflow closed, within a bounded time;
 * - ledger:         the ledger invariant (per-currency sums, per-account totals recomputed from
 *                   the immutable ledger rows, statement balances);
 * - posting:        one post per completed transfer's hold and none for the others, every other
 *                   hold voided (no double posting, no leaked hold, none in the whole database);
 * - balances:       each account's posted balance = its funding + completed transfers in − out,
 *                   computed from the client's record, never negative, nothing pending;
 * - events:         every expected event id is on the topic (none lost) and in each consumer's
 *                   processed set exactly once; the account-summary read model equals the
 *                   completed transfers (no event applied twice);
 * - notifications:  each expected notice exists once and its email arrived exactly once.
 */
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { checkInvariant } from '../../activities/ledger/invariant';
import { transferNotifications } from '../../activities/notify/event-notifications';
import { eventId, ledgerIds, workflowIds } from '../../domain/ids';
import type { TransferNotificationKind } from '../../domain/transfer';
import type { RunContext } from './context';
import { sleep } from './wait';

export const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED'] as const;

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the client knows about a transfer it created (never read back from the system). */
export interface TrackedTransfer {
  id: string;
  fromAccountId: string;
  toAccountId: string;
  fromCustomerId: string;
  toCustomerId: string;
  amount: bigint;
}

export interface TransferState {
  status: string;
  failureCode: string | null;
  everHeld: boolean;
}

export type TopicStart = Map<number, string>;

const TOPIC = 'transactions';

const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
const fail = (name: string, detail: string): CheckResult => ({ name, ok: false, detail });
const sample = (xs: string[], n = 5) =>
  xs.slice(0, n).join(', ') + (xs.length > n ? ` … (+${xs.length - n})` : '');

/** The topic's end offsets now: where a scenario's events will start. */
export async function topicStart(kafka: Kafka): Promise<TopicStart> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

/** Statuses from the read model, waiting (bounded) until every transfer is terminal. */
export async function waitTerminal(
  ctx: RunContext,
  transfers: TrackedTransfer[],
  timeoutMs: number,
): Promise<{ states: Map<string, TransferState>; result: CheckResult; waitedMs: number }> {
  const t0 = Date.now();
  const ids = transfers.map((t) => t.id);
  let states = new Map<string, TransferState>();
  for (;;) {
    states = await readStates(ctx, ids);
    const open = ids.filter((id) => !TERMINAL.includes(states.get(id)?.status as never));
    const closed = open.length === 0 ? await openWorkflows(ctx, ids) : [];
    if (open.length === 0 && closed.length === 0) {
      const waitedMs = Date.now() - t0;
      return {
        states,
        waitedMs,
        result: pass(
          'terminal',
          `all ${ids.length} transfers terminal, workflows closed (${summarize(states)}), ` +
            `${(waitedMs / 1000).toFixed(1)}s after the load ended (bound ${timeoutMs / 1000}s)`,
        ),
      };
    }
    if (Date.now() - t0 > timeoutMs) {
      const detail = open.length
        ? `${open.length} not terminal after ${timeoutMs / 1000}s: ` +
          sample(open.map((id) => `${id}=${states.get(id)?.status ?? 'missing'}`))
        : `${closed.length} workflows still running: ${sample(closed)}`;
      return { states, waitedMs: Date.now() - t0, result: fail('terminal', detail) };
    }
    await sleep(1_000);
  }
}

export function summarize(states: Map<string, TransferState>): string {
  const counts = new Map<string, number>();
  for (const s of states.values()) {
    const key = s.failureCode ? `${s.status}/${s.failureCode}` : s.status;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

async function readStates(ctx: RunContext, ids: string[]): Promise<Map<string, TransferState>> {
  const res = await ctx.database.pool.query<{
    id: string;
    status: string;
    failure_code: string | null;
    held: boolean;
  }>(
    `select id, status, failure_code,
            timeline @> '[{"status":"FUNDS_HELD"}]'::jsonb as held
       from transfers where id = any($1)`,
    [ids],
  );
  return new Map(
    res.rows.map((r) => [
      r.id,
      { status: r.status, failureCode: r.failure_code, everHeld: r.held },
    ]),
  );
}

/** Workflow ids among `ids` that Temporal still reports running. */
async function openWorkflows(ctx: RunContext, ids: string[]): Promise<string[]> {
  const wanted = new Set(ids.map((id) => workflowIds.transfer(id)));
  const open: string[] = [];
  for await (const wf of ctx.temporal.workflow.list({
    query: `TaskQueue = '${ctx.taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    if (wanted.has(wf.workflowId)) open.push(wf.workflowId);
  }
  return open;
}

export async function ledgerCheck(ctx: RunContext): Promise<CheckResult> {
  const report = await checkInvariant(ctx.database.db);
  const usd = report.totals.USD;
  return report.balanced
    ? pass(
        'ledger invariant',
        `balanced; USD posted ${usd?.debitsPosted ?? 0n}/${usd?.creditsPosted ?? 0n}, pending ${usd?.debitsPending ?? 0n}`,
      )
    : fail('ledger invariant', report.problems.join('; '));
}

/** One post per completed hold, none otherwise; every other hold voided; no open hold anywhere. */
export async function postingCheck(
  ctx: RunContext,
  transfers: TrackedTransfer[],
  states: Map<string, TransferState>,
): Promise<CheckResult> {
  const holdIds = transfers.map((t) => ledgerIds.hold(t.id));
  const rows = await ctx.database.pool.query<{
    id: string;
    kind: string;
    pending_id: string | null;
    amount: string;
  }>(
    `select id, kind, pending_id, amount::text from ledger_transfers
      where id = any($1) or pending_id = any($1) or reference = any($2)`,
    [holdIds, transfers.map((t) => t.id)],
  );
  const byHold = new Map<string, { hold?: string; posts: string[]; voids: string[] }>();
  const stray: string[] = [];
  for (const r of rows.rows) {
    const key = r.kind === 'pending' ? r.id : (r.pending_id ?? '');
    const entry = byHold.get(key) ?? { posts: [], voids: [] };
    if (r.kind === 'pending') entry.hold = r.amount;
    else if (r.kind === 'post_pending') entry.posts.push(r.amount);
    else if (r.kind === 'void_pending' || r.kind === 'expire_pending') entry.voids.push(r.id);
    else stray.push(r.id);
    byHold.set(key, entry);
  }
  const problems: string[] = [];
  for (const t of transfers) {
    const s = states.get(t.id);
    const e = byHold.get(ledgerIds.hold(t.id)) ?? { posts: [], voids: [] };
    if (!TERMINAL.includes(s?.status as never)) {
      if (e.posts.length > 1) problems.push(`${t.id}: ${s?.status} with ${e.posts.length} posts`);
      continue; // still running: the terminal check reports it
    }
    if (s?.status === 'COMPLETED') {
      if (e.hold === undefined) problems.push(`${t.id}: completed without a hold`);
      if (e.posts.length !== 1) problems.push(`${t.id}: completed with ${e.posts.length} posts`);
      if (e.posts[0] !== undefined && BigInt(e.posts[0]) !== t.amount)
        problems.push(`${t.id}: posted ${e.posts[0]}, asked ${t.amount}`);
      if (e.voids.length) problems.push(`${t.id}: completed and voided`);
    } else {
      if (e.posts.length) problems.push(`${t.id}: ${s?.status} but posted`);
      if (e.hold !== undefined && e.voids.length !== 1)
        problems.push(`${t.id}: ${s?.status} with a hold resolved ${e.voids.length} times`);
    }
  }
  if (stray.length) problems.push(`unexpected ledger rows: ${sample(stray)}`);
  // Open holds anywhere in the run's database (a leaked one would keep money pending forever).
  const open = await ctx.database.pool.query<{ id: string }>(
    `select p.id from ledger_transfers p
      where p.kind = 'pending'
        and not exists (select 1 from ledger_transfers r where r.pending_id = p.id)`,
  );
  if (open.rows.length) problems.push(`open holds: ${sample(open.rows.map((r) => r.id))}`);
  const completed = transfers.filter((t) => states.get(t.id)?.status === 'COMPLETED').length;
  return problems.length
    ? fail('posting', `${problems.length} problem(s): ${sample(problems, 8)}`)
    : pass(
        'posting',
        `${completed} completed transfers posted exactly once, every other hold voided once, no open hold`,
      );
}

/** Balances recomputed from the client's own record: funding + completed in − completed out. */
export async function balanceCheck(
  ctx: RunContext,
  funding: Map<string, bigint>,
  transfers: TrackedTransfer[],
  states: Map<string, TransferState>,
): Promise<CheckResult> {
  const expected = new Map(funding);
  for (const t of transfers) {
    if (states.get(t.id)?.status !== 'COMPLETED') continue;
    expected.set(t.fromAccountId, (expected.get(t.fromAccountId) ?? 0n) - t.amount);
    expected.set(t.toAccountId, (expected.get(t.toAccountId) ?? 0n) + t.amount);
  }
  const res = await ctx.database.pool.query<{
    id: string;
    posted: string;
    dpe: string;
    cpe: string;
  }>(
    `select id, (credits_posted - debits_posted)::text as posted,
            debits_pending::text as dpe, credits_pending::text as cpe
       from accounts where id = any($1)`,
    [[...expected.keys()]],
  );
  const problems: string[] = [];
  for (const r of res.rows) {
    const want = expected.get(r.id)!;
    if (BigInt(r.posted) !== want) problems.push(`${r.id}: balance ${r.posted}, expected ${want}`);
    if (BigInt(r.posted) < 0n) problems.push(`${r.id}: negative balance ${r.posted}`);
    if (r.dpe !== '0' || r.cpe !== '0') problems.push(`${r.id}: pending ${r.dpe}/${r.cpe}`);
  }
  if (res.rows.length !== expected.size) problems.push('accounts missing');
  return problems.length
    ? fail('balances', sample(problems, 8))
    : pass(
        'balances',
        `${expected.size} accounts equal funding + completed in − out (client's record), none negative, nothing pending`,
      );
}

function expectedEventIds(t: TrackedTransfer, s: TransferState): string[] {
  const wf = workflowIds.transfer(t.id);
  const steps = s.everHeld ? ['initiated', 'funds_held'] : [];
  // A transfer still running has no outcome event yet (the terminal check reports it).
  if (TERMINAL.includes(s.status as never)) steps.push(s.status.toLowerCase());
  return steps.map((step) => eventId(wf, step));
}

/** Event ids on the topic since `start` (all partitions), with how often each appears. */
async function readTopic(kafka: Kafka, start: TopicStart): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, BigInt(o.high)]),
  );
  await admin.disconnect();
  const seen = new Map<string, number>();
  const reached = new Map<number, bigint>();
  const consumer = kafka.consumer({ groupId: `chaos-check-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      reached.set(partition, BigInt(message.offset) + 1n);
      try {
        const id = (JSON.parse(message.value?.toString() ?? '{}') as { id?: string }).id;
        if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
      } catch {
        // not a CloudEvent: not ours
      }
    },
  });
  for (const [partition, offset] of start) consumer.seek({ topic: TOPIC, partition, offset });
  const done = () =>
    [...ends].every(
      ([p, end]) => end <= BigInt(start.get(p) ?? '0') || (reached.get(p) ?? 0n) >= end,
    );
  for (let i = 0; i < 240 && !done(); i++) await sleep(250);
  await consumer.disconnect();
  if (!done()) throw new Error('could not read the topic up to its end offsets in 60s');
  return seen;
}

/**
 * Every expected event is on the topic (none lost) and was applied once by each consumer; the
 * account-summary read model equals the completed transfers. Waits (bounded) for consumer lag.
 */
export async function eventsCheck(
  ctx: RunContext,
  start: TopicStart,
  transfers: TrackedTransfer[],
  states: Map<string, TransferState>,
  timeoutMs = 120_000,
): Promise<CheckResult[]> {
  const expected = new Set<string>();
  for (const t of transfers) {
    const s = states.get(t.id);
    if (s) for (const id of expectedEventIds(t, s)) expected.add(id);
  }
  const onTopic = await readTopic(ctx.kafka, start);
  const missing = [...expected].filter((id) => !onTopic.has(id));
  const duplicates = [...expected].filter((id) => (onTopic.get(id) ?? 0) > 1);
  const topic = missing.length
    ? fail('events on topic', `${missing.length} of ${expected.size} missing: ${sample(missing)}`)
    : pass(
        'events on topic',
        `all ${expected.size} expected events present` +
          (duplicates.length
            ? ` (${duplicates.length} published more than once: at-least-once)`
            : ''),
      );

  // Consumers: each expected event applied once (dedupe table), waiting for their lag.
  const consumers = ['notifications', 'account-summary'];
  const deadline = Date.now() + timeoutMs;
  let lagging: string[] = [];
  let dupRows = 0;
  for (;;) {
    const rows = await ctx.database.pool.query<{ consumer: string; event_id: string; n: string }>(
      `select consumer, event_id, count(*)::text as n from processed_events
        where event_id = any($1) group by consumer, event_id`,
      [[...expected]],
    );
    const have = new Set(rows.rows.map((r) => `${r.consumer}|${r.event_id}`));
    dupRows = rows.rows.filter((r) => r.n !== '1').length;
    lagging = consumers.flatMap((c) =>
      [...expected].filter((id) => !have.has(`${c}|${id}`)).map((id) => `${c}:${id}`),
    );
    if (lagging.length === 0 || Date.now() > deadline) break;
    await sleep(1_000);
  }
  const processed =
    lagging.length || dupRows
      ? fail(
          'events processed once',
          `${lagging.length} not processed within ${timeoutMs / 1000}s (${sample(lagging)}); ${dupRows} duplicate rows`,
        )
      : pass(
          'events processed once',
          `${expected.size} events × ${consumers.length} consumers, each exactly once in processed_events`,
        );

  // The read model fed by transfer.completed must equal the completed transfers exactly.
  const want = new Map<string, { inMinor: bigint; outMinor: bigint }>();
  for (const t of transfers) {
    if (states.get(t.id)?.status !== 'COMPLETED') continue;
    const from = want.get(t.fromAccountId) ?? { inMinor: 0n, outMinor: 0n };
    from.outMinor += t.amount;
    want.set(t.fromAccountId, from);
    const to = want.get(t.toAccountId) ?? { inMinor: 0n, outMinor: 0n };
    to.inMinor += t.amount;
    want.set(t.toAccountId, to);
  }
  const sums = await ctx.database.pool.query<{ account_id: string; i: string; o: string }>(
    `select account_id, sum(in_minor)::text as i, sum(out_minor)::text as o
       from account_monthly_summaries where account_id = any($1) group by account_id`,
    [[...want.keys()]],
  );
  const got = new Map(sums.rows.map((r) => [r.account_id, r]));
  const off: string[] = [];
  for (const [acc, w] of want) {
    const g = got.get(acc);
    if (!g || BigInt(g.i) !== w.inMinor || BigInt(g.o) !== w.outMinor)
      off.push(`${acc}: in/out ${g?.i ?? 0}/${g?.o ?? 0}, expected ${w.inMinor}/${w.outMinor}`);
  }
  const summary = off.length
    ? fail('read model', `${off.length} accounts differ: ${sample(off, 4)}`)
    : pass(
        'read model',
        `account summaries of ${want.size} accounts equal the completed transfers`,
      );
  return [topic, processed, summary];
}

const KIND: Record<string, TransferNotificationKind> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  REJECTED: 'rejected',
};

/**
 * Each expected notice exists, and its email reached the (fake) SMTP server exactly once.
 *
 * `crashResends`: a sender killed between the SMTP server's accept and the `sent` mark (or a
 * database killed under that mark) leaves the delivery to be sent again once its lease ends. That
 * copy carries the same Message-ID (`<notification id@harbor.bank>`), which mail clients collapse
 * into one message, as consumers collapse a republished event by its id. Scenarios that kill a
 * process on the email path allow one such copy per kill; all others allow none.
 */
export async function notificationsCheck(
  ctx: RunContext,
  transfers: TrackedTransfer[],
  states: Map<string, TransferState>,
  { timeoutMs = 90_000, crashResends = 0 }: { timeoutMs?: number; crashResends?: number } = {},
): Promise<CheckResult> {
  const expected = new Set<string>();
  for (const t of transfers) {
    const s = states.get(t.id);
    const kind = s && KIND[s.status];
    if (!kind) continue;
    for (const n of transferNotifications({
      transferId: t.id,
      kind,
      fromCustomerId: t.fromCustomerId,
      toCustomerId: t.toCustomerId,
      fromAccountId: t.fromAccountId,
      toAccountId: t.toAccountId,
      amount: t.amount.toString(),
      currency: 'USD',
    }))
      expected.add(n.id);
  }
  const deadline = Date.now() + timeoutMs;
  let problems: string[] = [];
  let mails = new Map<string, number>();
  let resent: string[] = [];
  for (;;) {
    const rows = await ctx.database.pool.query<{ id: string; status: string | null }>(
      `select n.id, d.status from notifications n
         left join notification_deliveries d on d.notification_id = n.id and d.channel = 'email'
        where n.data->>'transferId' = any($1)`,
      [transfers.map((t) => t.id)],
    );
    const present = new Map(rows.rows.map((r) => [r.id, r.status]));
    mails = new Map();
    for (const m of ctx.smtp.messages) {
      const id = /^Message-ID:\s*<([^@>]+)@/im.exec(m.raw)?.[1];
      if (id) mails.set(id, (mails.get(id) ?? 0) + 1);
    }
    problems = [];
    resent = [];
    for (const id of expected) {
      const copies = mails.get(id) ?? 0;
      if (!present.has(id)) problems.push(`${id}: no notification`);
      else if (present.get(id) !== 'sent') problems.push(`${id}: email ${present.get(id)}`);
      else if (copies === 2 && resent.length < crashResends) resent.push(id);
      else if (copies !== 1) problems.push(`${id}: ${copies} emails`);
    }
    for (const id of present.keys()) if (!expected.has(id)) problems.push(`${id}: unexpected`);
    const settled = problems.every((p) => p.endsWith('emails') && !p.endsWith(' 0 emails'));
    if (problems.length === 0 || settled || Date.now() > deadline) break;
    await sleep(1_000);
  }
  return problems.length
    ? fail('notifications', `${problems.length} problem(s): ${sample(problems, 6)}`)
    : pass(
        'notifications',
        `${expected.size} notices, each stored once and emailed exactly once` +
          (resent.length
            ? ` (${resent.length} re-sent after a kill with the same Message-ID, at most ${crashResends} allowed: ${sample(resent, 3)})`
            : ''),
      );
}

/** All the end checks, in order. */
export async function endChecks(
  ctx: RunContext,
  input: {
    transfers: TrackedTransfer[];
    funding: Map<string, bigint>;
    start: TopicStart;
    terminalWithinMs: number;
    /** Kills of processes on the email path (see notificationsCheck). Default 0. */
    emailPathKills?: number;
  },
): Promise<{ checks: CheckResult[]; states: Map<string, TransferState> }> {
  const { states, result } = await waitTerminal(ctx, input.transfers, input.terminalWithinMs);
  const checks: CheckResult[] = [result];
  checks.push(await ledgerCheck(ctx));
  checks.push(await postingCheck(ctx, input.transfers, states));
  checks.push(await balanceCheck(ctx, input.funding, input.transfers, states));
  checks.push(...(await eventsCheck(ctx, input.start, input.transfers, states)));
  checks.push(
    await notificationsCheck(ctx, input.transfers, states, {
      crashResends: input.emailPathKills ?? 0,
    }),
  );
  return { checks, states };
}
