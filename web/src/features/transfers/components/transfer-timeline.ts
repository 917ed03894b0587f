import type { TimelineStep } from '@/components/ui/Timeline';
import { formatTime } from '@/lib/format';
import type { TimelineEntry } from '../api/transfers';

const LABELS: Record<string, string> = {
  PENDING: 'Transfer requested',
  FUNDS_HELD: 'Money reserved',
  AWAITING_REVIEW: 'Security review',
  POSTING: 'Sending',
  COMPLETED: 'Completed',
  NEEDS_ATTENTION: 'Needs attention — our team is on it',
  CANCELLED: 'Cancelled',
  REJECTED: 'Declined after review',
  FAILED: 'Failed',
  REVERSED: 'Reversed by the bank',
};

const FAILED_END = ['CANCELLED', 'REJECTED', 'FAILED'];

/**
 * Turns a transfer's status and recorded timeline into the steps a customer sees: what is done,
 * what is happening now, and what comes next (or where it stopped).
 */
export function transferSteps(status: string, timeline: TimelineEntry[]): TimelineStep[] {
  const firstAt = new Map<string, string>();
  for (const t of timeline) if (!firstAt.has(t.status)) firstAt.set(t.status, t.at);
  const reached = new Set([...firstAt.keys(), status]);
  const base = [
    'PENDING',
    'FUNDS_HELD',
    ...(reached.has('AWAITING_REVIEW') ? ['AWAITING_REVIEW'] : []),
    'POSTING',
    'COMPLETED',
  ];
  const step = (s: string, state: TimelineStep['state']): TimelineStep => ({
    key: s,
    label: LABELS[s] ?? s,
    state,
    time: firstAt.has(s) ? formatTime(firstAt.get(s)) : undefined,
  });

  if (status === 'COMPLETED') return base.map((s) => step(s, 'done'));
  // Completed, then taken back by the bank: every step happened, and the reversal ends it.
  if (status === 'REVERSED') return [...base.map((s) => step(s, 'done')), step('REVERSED', 'done')];

  if (FAILED_END.includes(status)) {
    const done = base.filter((s) => s !== 'COMPLETED' && reached.has(s) && s !== status);
    return [...done.map((s) => step(s, 'done')), step(status, 'failed')];
  }

  if (status === 'NEEDS_ATTENTION') {
    const lastReached = base.reduce((idx, s, i) => (reached.has(s) ? i : idx), 0);
    return [
      ...base.slice(0, lastReached + 1).map((s) => step(s, 'done')),
      step('NEEDS_ATTENTION', 'waiting'),
      ...base.slice(lastReached + 1).map((s) => step(s, 'upcoming')),
    ];
  }

  const current = Math.max(0, base.indexOf(status));
  return base.map((s, i) =>
    i < current
      ? step(s, 'done')
      : i === current
        ? step(s, s === 'AWAITING_REVIEW' ? 'waiting' : 'current')
        : step(s, 'upcoming'),
  );
}
