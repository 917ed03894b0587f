/**
 * Replays the recorded TransferWorkflow histories against the current code:
 * test/fixtures/histories/transfer-*.json (one per path, recorded with every patch in use) and
 * transfer-*-pre-patches.json (the same paths recorded before any patch), so both branches of each
 * `patched()` stay covered. A change to the workflow that alters the command
 * sequence of a recorded path without a `patched()` guard fails here. Re-record with
 * `RECORD_HISTORIES=1 npx jest workflows/transfer.workflow.test.ts` (docs/workflow-versioning.md).
 */
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { workflowBundlePath } from '../test/paths';

jest.setTimeout(180_000);

const DIR = path.join(__dirname, '..', 'test', 'fixtures', 'histories');
const fixtures = fs
  .readdirSync(DIR)
  .filter((f) => f.startsWith('transfer-') && f.endsWith('.json'))
  .sort();

function histories() {
  return fixtures.map((f) => ({
    workflowId: f.replace(/\.json$/, ''),
    // Fixtures are protobufjs objects (longs/enums/bytes as strings), loaded back with fromObject.
    history: temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')),
    ),
  }));
}

async function replayAll(
  workflowBundle: { codePath: string } | { code: string },
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle }, histories())) results.push(r);
  return results;
}

describe('TransferWorkflow replay', () => {
  it('has a recorded history for every path, from before and after the patches', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const p of [
      'happy-path',
      'insufficient-funds',
      'review-approve',
      'review-reject',
      'review-timeout',
    ]) {
      expect(fixtures).toContain(`transfer-${p}.json`);
      expect(fixtures).toContain(`transfer-${p}-pre-patches.json`);
    }
    for (const p of [
      'cancel-before-posting',
      'cancel-refused-after-posting',
      'attention-retry',
      'attention-cancel',
    ]) {
      expect(fixtures).toContain(`transfer-${p}.json`);
      expect(fixtures).toContain(`transfer-${p}-pre-patches.json`);
    }
  });

  it('replays every recorded path deterministically with the current code', async () => {
    const results = await replayAll({ codePath: workflowBundlePath() });
    expect(results).toHaveLength(fixtures.length);
    const failures = results
      .filter((r) => r.error)
      .map((r) => `${r.workflowId}: ${String(r.error)}`);
    expect(failures).toEqual([]);
  });

  it('fails on a non-deterministic change (an unguarded new timer)', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../test/support/nondeterministic-transfer.workflow'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
    });
    const results = await replayAll({ code });
    expect(results).toHaveLength(fixtures.length);
    for (const r of results) expect(r.error).toBeDefined();
    expect(results.some((r) => /nondetermin/i.test(`${r.error?.name} ${r.error?.message}`))).toBe(
      true,
    );
  });
});

describe('ScheduledPaymentWorkflow replay', () => {
  // Recorded before `schedule-sync-to-current-v1`: a change signal handled in the same activation
  // as a sync's completion, after which the old code went straight to its long timer.
  it('replays a history from before the sync-to-current patch', async () => {
    const file = 'scheduled-payment-change-during-sync.json';
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')),
    );
    const result = await Worker.runReplayHistory(
      { workflowBundle: { codePath: workflowBundlePath() } },
      history,
      'scheduled-payment-change-during-sync',
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(result).toBeUndefined();
  });
});
