import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { PageHeader } from '@/components/ui/Card';
import { ErrorState, SkeletonRows } from '@/components/ui/States';
import { ButtonLink } from '@/components/ui/Button';
import { plainMessage } from '@/lib/errors';
import { useAccounts } from '@/features/accounts/api/accounts';
import { StatementDownload } from '@/features/accounts/components/StatementDownload';
import { TransferForm } from '@/features/transfers/components/TransferForm';
import { TransferStatusCard } from '@/features/transfers/components/TransferStatusCard';
import { TransferHistory } from '@/features/transfers/components/TransferHistory';
import { Card } from '@/components/ui/Card';

export function NewTransferPage() {
  const accounts = useAccounts();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader
        title="Send money"
        subtitle="To your own accounts or anyone with a Harbor account number."
      />
      {accounts.isPending ? (
        <SkeletonRows rows={5} label="Loading accounts" />
      ) : accounts.isError ? (
        <ErrorState
          message={plainMessage(accounts.error)}
          onRetry={() => void accounts.refetch()}
        />
      ) : (
        <div style={{ maxWidth: 640 }}>
          <TransferForm
            accounts={accounts.data}
            initialFrom={params.get('from') ?? undefined}
            onSubmitted={(t) => navigate(`/transfers/${t.id}`)}
          />
        </div>
      )}
    </>
  );
}

export function TransferDetailPage() {
  const { id = '' } = useParams();
  const accounts = useAccounts();
  return (
    <>
      <PageHeader
        title="Transfer status"
        actions={
          <ButtonLink to="/transfer" variant="secondary">
            New transfer
          </ButtonLink>
        }
      />
      <TransferStatusCard id={id} accounts={accounts.data ?? []} />
    </>
  );
}

export function HistoryPage() {
  const accounts = useAccounts();
  return (
    <>
      <PageHeader title="History" subtitle="Search your transfers and download statements." />
      {accounts.isPending ? (
        <SkeletonRows rows={6} label="Loading" />
      ) : accounts.isError ? (
        <ErrorState
          message={plainMessage(accounts.error)}
          onRetry={() => void accounts.refetch()}
        />
      ) : (
        <>
          <TransferHistory accounts={accounts.data} />
          {accounts.data.length > 0 && (
            <Card title="Statements">
              <StatementDownload accounts={accounts.data} />
            </Card>
          )}
        </>
      )}
    </>
  );
}
