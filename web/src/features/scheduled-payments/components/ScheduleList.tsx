import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, ButtonLink } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Table } from '@/components/ui/Table';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import {
  describeSchedule,
  useScheduleAction,
  useSchedules,
  type ScheduledPayment,
} from '../api/schedules';
import { payerLabel, type PayerAccount } from './types';

export function ScheduleActions({ s }: { s: ScheduledPayment }) {
  const action = useScheduleAction();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const toast = useToast();
  const run = (a: 'pause' | 'resume' | 'cancel') =>
    action.mutate(
      { id: s.id, action: a },
      {
        onSuccess: () => {
          setConfirmCancel(false);
          toast.show(
            a === 'pause'
              ? 'Scheduled payment paused.'
              : a === 'resume'
                ? 'Scheduled payment resumed.'
                : 'Scheduled payment cancelled.',
            'success',
          );
        },
        onError: (err) => toast.show(plainMessage(err), 'danger'),
      },
    );
  if (['CANCELLED', 'COMPLETED'].includes(s.status)) return null;
  return (
    <div className="row" style={{ gap: 6 }}>
      {s.status === 'PAUSED' ? (
        <Button
          size="sm"
          variant="secondary"
          loading={action.isPending && action.variables?.action === 'resume'}
          onClick={() => run('resume')}
          aria-label={`Resume scheduled payment ${s.memo ?? s.id}`}
        >
          Resume
        </Button>
      ) : (
        <Button
          size="sm"
          variant="secondary"
          loading={action.isPending && action.variables?.action === 'pause'}
          onClick={() => run('pause')}
          aria-label={`Pause scheduled payment ${s.memo ?? s.id}`}
        >
          Pause
        </Button>
      )}
      <Button
        size="sm"
        variant="ghost"
        onClick={() => setConfirmCancel(true)}
        aria-label={`Cancel scheduled payment ${s.memo ?? s.id}`}
      >
        Cancel
      </Button>
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this scheduled payment?"
        description="No further payments will be made. Past payments are not affected."
        confirmLabel="Cancel scheduled payment"
        tone="danger"
        busy={action.isPending}
        onCancel={() => setConfirmCancel(false)}
        onConfirm={() => run('cancel')}
      />
    </div>
  );
}

export function ScheduleList({ accounts }: { accounts: PayerAccount[] }) {
  const q = useSchedules();
  if (q.isPending)
    return (
      <Card>
        <SkeletonRows rows={3} label="Loading scheduled payments" />
      </Card>
    );
  if (q.isError)
    return (
      <Card>
        <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
      </Card>
    );
  if (q.data.length === 0)
    return (
      <Card>
        <EmptyState
          title="No scheduled payments"
          description="Pay rent, savings or bills automatically on the dates you choose."
          action={<ButtonLink to="/scheduled/new">New scheduled payment</ButtonLink>}
        />
      </Card>
    );
  return (
    <Card>
      <Table<ScheduledPayment>
        caption="Scheduled payments"
        rows={q.data}
        rowKey={(s) => s.id}
        columns={[
          {
            key: 'what',
            header: 'Payment',
            render: (s) => (
              <div>
                <Link to={`/scheduled/${s.id}`}>
                  {s.memo || `To ${payerLabel(s.toAccountId, accounts)}`}
                </Link>
                <div className="muted" style={{ fontSize: '0.83rem' }}>
                  {describeSchedule(s.schedule)}
                </div>
              </div>
            ),
          },
          {
            key: 'amount',
            header: 'Amount',
            align: 'right',
            render: (s) => formatMoney(s.amount, s.currency),
          },
          {
            key: 'next',
            header: 'Next run',
            render: (s) => (s.status === 'ACTIVE' ? formatDate(s.nextRunAt, true) : '—'),
            secondary: true,
          },
          {
            key: 'status',
            header: 'Status',
            render: (s) => (
              <span data-testid="schedule-status">
                <StatusBadge status={s.status} />
              </span>
            ),
          },
          {
            key: 'actions',
            header: <span className="sr-only">Actions</span>,
            render: (s) => <ScheduleActions s={s} />,
          },
        ]}
      />
    </Card>
  );
}
