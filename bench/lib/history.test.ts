import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { profileHistory } from './history';

const DIR = path.join(__dirname, '..', '..', 'test', 'fixtures', 'histories');
const eventsOf = (file: string) =>
  temporal.api.history.v1.History.fromObject(
    JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')),
  ).events;

describe('profileHistory', () => {
  it('counts local activities (markers) with the regular ones, per workflow task batch', () => {
    const p = profileHistory(eventsOf('transfer-happy-path.json'));
    expect(p.localActivities).toBe(6);
    expect(p.byActivity['getAccountForTransfer (local)']?.count).toBe(2);
    expect(p.byActivity['syncTransfer (local)']?.count).toBe(4);
    expect(p.byActivity.holdFunds?.count).toBe(1);
    expect(p.byActivity.getAccountForTransfer).toBeUndefined();
    // Every activity is in exactly one batch: the first workflow task ran the sync and both reads.
    expect(p.plan.reduce((a, b) => a + b, 0)).toBe(p.activities);
    expect(p.plan[0]).toBeGreaterThanOrEqual(3);
    // Per batch, how many of its activities were local: the reads and the first sync in the first.
    expect(p.localPlan).toHaveLength(p.plan.length);
    expect(p.localPlan.reduce((a, b) => a + b, 0)).toBe(6);
    expect(p.localPlan[0]).toBe(3);
    p.localPlan.forEach((n, i) => expect(n).toBeLessThanOrEqual(p.plan[i]!));
  });

  it('sees a history from before local activities as all regular, with the same count', () => {
    const before = profileHistory(eventsOf('transfer-happy-path-pre-patches.json'));
    const after = profileHistory(eventsOf('transfer-happy-path.json'));
    expect(before.localActivities).toBe(0);
    expect(before.localPlan.every((n) => n === 0)).toBe(true);
    expect(before.byActivity.syncTransfer?.count).toBe(4);
    expect(after.activities).toBe(before.activities);
    expect(after.workflowTasks).toBeLessThan(before.workflowTasks);
  });
});
