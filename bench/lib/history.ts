/**
 * Reads a workflow's event history for the profile: which activities ran, in which batches (those
 * scheduled by the same workflow task), how long each waited in the queue and ran, and how many
 * workflow tasks (worker round trips) the workflow needed. Local activities count as activities
 * (recorded as markers by the workflow task that ran them: no queue wait, and their run time is
 * part of that task's).
 */
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface HistoryProfile {
  events: number;
  workflowTasks: number;
  activities: number;
  /** Of `activities`, how many ran as local activities. */
  localActivities: number;
  /** Sizes of the batches of activities scheduled by one workflow task, in order. */
  plan: number[];
  /** Of each batch in `plan`, how many ran as local activities. */
  localPlan: number[];
  /** Workflow start → close, ms. */
  totalMs: number;
  workflowTaskQueueMs: number;
  workflowTaskRunMs: number;
  /** Per activity type: count, summed queue wait (schedule → start) and run time (start → close). */
  byActivity: Record<string, { count: number; queueMs: number; runMs: number }>;
}

const num = (v: unknown): number => Number(v ?? 0);

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * A local activity's type, from its marker's `data` detail (the SDK core's JSON). Its run time is
 * not recoverable (the marker's complete_time is workflow time): it is inside the run time of the
 * workflow task that recorded it.
 */
function localActivityOf(e: HistoryEvent): { type: string; workflowTask: number } | undefined {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  let type = 'unknown';
  const raw = marker.details?.data?.payloads?.[0]?.data;
  if (raw) {
    try {
      const data = JSON.parse(Buffer.from(raw).toString('utf8')) as Record<string, unknown>;
      if (typeof data.activity_type === 'string') type = data.activity_type;
    } catch {
      // an unreadable marker still counts as one local activity
    }
  }
  return { type, workflowTask: num(marker.workflowTaskCompletedEventId) };
}

export function profileHistory(events: HistoryEvent[]): HistoryProfile {
  const at = (e: HistoryEvent) => tsToMs(e.eventTime);
  const byId = new Map<number, HistoryEvent>(events.map((e) => [num(e.eventId), e]));
  /** Per workflow task (its completed event id): activities scheduled or run by it. */
  const batches = new Map<number, { total: number; local: number }>();
  const addToBatch = (wft: number, local: boolean) => {
    const b = batches.get(wft) ?? { total: 0, local: 0 };
    b.total += 1;
    if (local) b.local += 1;
    batches.set(wft, b);
  };
  const byActivity: HistoryProfile['byActivity'] = {};
  let workflowTasks = 0;
  let wftQueue = 0;
  let wftRun = 0;
  const activityStarted = new Map<number, number>();
  let localActivities = 0;
  for (const e of events) {
    const local = localActivityOf(e);
    if (local) {
      localActivities += 1;
      addToBatch(local.workflowTask, true);
      (byActivity[`${local.type} (local)`] ??= { count: 0, queueMs: 0, runMs: 0 }).count += 1;
    }
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      addToBatch(num(scheduled.workflowTaskCompletedEventId), false);
    }
    if (e.activityTaskStartedEventAttributes) {
      activityStarted.set(num(e.activityTaskStartedEventAttributes.scheduledEventId), at(e));
    }
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;
    if (closed) {
      const schedId = num(closed.scheduledEventId);
      const sched = byId.get(schedId);
      const type = sched?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'unknown';
      const started = activityStarted.get(schedId) ?? at(e);
      const entry = (byActivity[type] ??= { count: 0, queueMs: 0, runMs: 0 });
      entry.count += 1;
      entry.queueMs += started - (sched ? at(sched) : started);
      entry.runMs += at(e) - started;
    }
    if (e.workflowTaskCompletedEventAttributes) {
      workflowTasks += 1;
      const started = byId.get(num(e.workflowTaskCompletedEventAttributes.startedEventId));
      const sched = byId.get(num(e.workflowTaskCompletedEventAttributes.scheduledEventId));
      if (started && sched) {
        wftQueue += at(started) - at(sched);
        wftRun += at(e) - at(started);
      }
    }
  }
  const first = events[0];
  const last = events[events.length - 1];
  const ordered = [...batches.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
  return {
    events: events.length,
    workflowTasks,
    activities: ordered.reduce((a, b) => a + b.total, 0),
    localActivities,
    plan: ordered.map((b) => b.total),
    localPlan: ordered.map((b) => b.local),
    totalMs: first && last ? at(last) - at(first) : 0,
    workflowTaskQueueMs: wftQueue,
    workflowTaskRunMs: wftRun,
    byActivity,
  };
}

/** Averages several profiles (same workflow type) into one per-workflow profile. */
export function averageProfiles(profiles: HistoryProfile[]): HistoryProfile {
  const n = profiles.length || 1;
  const avg = (f: (p: HistoryProfile) => number) =>
    Math.round((profiles.reduce((s, p) => s + f(p), 0) / n) * 10) / 10;
  const byActivity: HistoryProfile['byActivity'] = {};
  for (const p of profiles) {
    for (const [type, a] of Object.entries(p.byActivity)) {
      const e = (byActivity[type] ??= { count: 0, queueMs: 0, runMs: 0 });
      e.count += a.count / n;
      e.queueMs += a.queueMs / n;
      e.runMs += a.runMs / n;
    }
  }
  return {
    events: avg((p) => p.events),
    workflowTasks: avg((p) => p.workflowTasks),
    activities: avg((p) => p.activities),
    localActivities: avg((p) => p.localActivities),
    plan: profiles[0]?.plan ?? [],
    localPlan: profiles[0]?.localPlan ?? [],
    totalMs: avg((p) => p.totalMs),
    workflowTaskQueueMs: avg((p) => p.workflowTaskQueueMs),
    workflowTaskRunMs: avg((p) => p.workflowTaskRunMs),
    byActivity,
  };
}
