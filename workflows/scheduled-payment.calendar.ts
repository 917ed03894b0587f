/**
 * When a scheduled payment falls due. Pure and deterministic (workflow-safe): ONCE, WEEKLY and
 * MONTHLY are computed here; CRON expressions are evaluated by an activity (cron-parser), whose
 * result the workflow history records.
 *
 * MONTHLY on day N: N is clamped to the month's length, so day 31 pays on Feb 28 (Feb 29 in a leap
 * year), Apr 30, …, and returns to the 31st when the month has one. The time of day is startAt's.
 */
export type ScheduleFrequency = 'ONCE' | 'WEEKLY' | 'MONTHLY' | 'CRON';

export interface ScheduleSpec {
  frequency: ScheduleFrequency;
  /** ISO-8601: the first possible run (and the time of day for WEEKLY/MONTHLY). */
  startAt: string;
  /** MONTHLY: 1–31; defaults to startAt's day. */
  dayOfMonth?: number;
  /** CRON: five or six fields, evaluated in UTC. */
  cron?: string;
  /** No occurrence after this instant. */
  endAt?: string;
  /** At most this many occurrences (paid or skipped). */
  maxCount?: number;
}

const DAY_MS = 24 * 3600 * 1000;

export function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** The MONTHLY occurrence in the month `offset` months after startAt's month. */
export function monthlyOccurrence(spec: ScheduleSpec, offset: number): Date {
  const start = new Date(spec.startAt);
  const day = spec.dayOfMonth ?? start.getUTCDate();
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + offset;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const clamped = Math.min(day, daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      clamped,
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
    ),
  );
}

/**
 * The first occurrence strictly after `after` (or at/after it when `inclusive`), ignoring end
 * conditions; null for CRON (ask the activity) or when a ONCE schedule has passed.
 */
export function nextCalendarRun(spec: ScheduleSpec, after: Date, inclusive: boolean): Date | null {
  const ok = (d: Date) =>
    inclusive ? d.getTime() >= after.getTime() : d.getTime() > after.getTime();
  const start = new Date(spec.startAt);
  switch (spec.frequency) {
    case 'ONCE':
      return ok(start) ? start : null;
    case 'WEEKLY': {
      if (ok(start)) return start;
      let k = Math.max(0, Math.floor((after.getTime() - start.getTime()) / (7 * DAY_MS)));
      for (;;) {
        const d = new Date(start.getTime() + k * 7 * DAY_MS);
        if (ok(d)) return d;
        k++;
      }
    }
    case 'MONTHLY': {
      const monthsBetween =
        (after.getUTCFullYear() - start.getUTCFullYear()) * 12 +
        (after.getUTCMonth() - start.getUTCMonth());
      for (let k = Math.max(0, monthsBetween - 1); ; k++) {
        const d = monthlyOccurrence(spec, k);
        if (d.getTime() < start.getTime()) continue;
        if (ok(d)) return d;
      }
    }
    case 'CRON':
      return null;
  }
}

/** Applies endAt and maxCount to a candidate run. */
export function withinEnd(
  spec: ScheduleSpec,
  candidate: Date | null,
  countSoFar: number,
): Date | null {
  if (!candidate) return null;
  if (spec.maxCount !== undefined && countSoFar >= spec.maxCount) return null;
  if (spec.endAt && candidate.getTime() > new Date(spec.endAt).getTime()) return null;
  return candidate;
}

/** Validation shared by the API and the workflow. Returns a list of problems (empty when valid). */
export function specProblems(spec: ScheduleSpec): string[] {
  const problems: string[] = [];
  if (!['ONCE', 'WEEKLY', 'MONTHLY', 'CRON'].includes(spec.frequency)) problems.push('frequency');
  if (Number.isNaN(Date.parse(spec.startAt))) problems.push('startAt');
  if (spec.dayOfMonth !== undefined) {
    if (spec.frequency !== 'MONTHLY') problems.push('dayOfMonth only applies to MONTHLY');
    else if (!Number.isInteger(spec.dayOfMonth) || spec.dayOfMonth < 1 || spec.dayOfMonth > 31) {
      problems.push('dayOfMonth');
    }
  }
  if (spec.frequency === 'CRON' && !spec.cron?.trim()) problems.push('cron');
  if (spec.frequency !== 'CRON' && spec.cron !== undefined)
    problems.push('cron only applies to CRON');
  if (spec.endAt !== undefined) {
    if (Number.isNaN(Date.parse(spec.endAt))) problems.push('endAt');
    else if (Date.parse(spec.endAt) < Date.parse(spec.startAt))
      problems.push('endAt before startAt');
  }
  if (spec.maxCount !== undefined && (!Number.isInteger(spec.maxCount) || spec.maxCount < 1)) {
    problems.push('maxCount');
  }
  return problems;
}
