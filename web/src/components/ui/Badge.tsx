import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const STATUS_TONES: Record<string, Tone> = {
  COMPLETED: 'success',
  APPROVED: 'success',
  ACTIVE: 'success',
  FUNDS_HELD: 'info',
  POSTING: 'info',
  PENDING: 'info',
  IN_REVIEW: 'warning',
  AWAITING_REVIEW: 'warning',
  NEEDS_ATTENTION: 'warning',
  PAUSED: 'warning',
  FROZEN: 'danger',
  FAILED: 'danger',
  REJECTED: 'danger',
  CANCELLED: 'neutral',
  REVERSED: 'neutral',
  CLOSED: 'neutral',
  SKIPPED: 'warning',
};

export function StatusBadge({ status }: { status: string }) {
  const label = status
    .toLowerCase()
    .split('_')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
  return <Badge tone={STATUS_TONES[status] ?? 'neutral'}>{label}</Badge>;
}
