import { useNavigate, useParams } from 'react-router-dom';
import { ButtonLink } from '@/components/ui/Button';
import { PageHeader } from '@/components/ui/Card';
import { ErrorState, SkeletonRows } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { useAccounts } from '@/features/accounts/api/accounts';
import { ScheduleForm } from '@/features/scheduled-payments/components/ScheduleForm';
import { ScheduleList } from '@/features/scheduled-payments/components/ScheduleList';
import { ScheduleDetail } from '@/features/scheduled-payments/components/ScheduleDetail';

export function ScheduledListPage() {
  const accounts = useAccounts();
  return (
    <>
      <PageHeader
        title="Scheduled payments"
        subtitle="Recurring and future-dated transfers."
        actions={<ButtonLink to="/scheduled/new">New scheduled payment</ButtonLink>}
      />
      <ScheduleList accounts={accounts.data ?? []} />
    </>
  );
}

export function ScheduledNewPage() {
  const accounts = useAccounts();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="New scheduled payment" />
      {accounts.isPending ? (
        <SkeletonRows rows={6} label="Loading accounts" />
      ) : accounts.isError ? (
        <ErrorState
          message={plainMessage(accounts.error)}
          onRetry={() => void accounts.refetch()}
        />
      ) : (
        <div style={{ maxWidth: 720 }}>
          <ScheduleForm accounts={accounts.data} onCreated={() => navigate('/scheduled')} />
        </div>
      )}
    </>
  );
}

export function ScheduledDetailPage() {
  const { id = '' } = useParams();
  const accounts = useAccounts();
  return (
    <>
      <PageHeader
        title="Scheduled payment"
        actions={
          <ButtonLink to="/scheduled" variant="secondary">
            All scheduled payments
          </ButtonLink>
        }
      />
      <ScheduleDetail id={id} accounts={accounts.data ?? []} />
    </>
  );
}
