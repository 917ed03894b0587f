import { Link } from 'react-router-dom';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { formatMoney } from '@/lib/money';
import { formatDate } from '@/lib/format';
import { plainMessage } from '@/lib/errors';
import { usePendingTransfers } from '../api/transfers';
import { describeAccount, type OwnAccount } from './types';

export function PendingTransfers({ accounts }: { accounts: OwnAccount[] }) {
  const q = usePendingTransfers();
  return (
    <Card title="Pending transfers">
      {q.isPending ? (
        <SkeletonRows rows={2} label="Loading pending transfers" />
      ) : q.isError ? (
        <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <EmptyState
          icon="✓"
          title="Nothing pending"
          description="Transfers that are still on their way show up here."
        />
      ) : (
        <ul className="list">
          {q.data.map((t) => (
            <li key={t.id}>
              <div>
                <Link to={`/transfers/${t.id}`}>
                  {formatMoney(t.amount, t.currency)} to {describeAccount(t.toAccountId, accounts)}
                </Link>
                <div className="muted" style={{ fontSize: '0.83rem' }}>
                  {formatDate(t.createdAt, true)}
                </div>
              </div>
              <StatusBadge status={t.status} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
