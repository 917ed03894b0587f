import { Link } from 'react-router-dom';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { EmptyState, ErrorState, Skeleton } from '@/components/ui/States';
import { ButtonLink } from '@/components/ui/Button';
import { formatMoney } from '@/lib/money';
import { plainMessage } from '@/lib/errors';
import { titleCase } from '@/lib/format';
import { useAccounts, type Account } from '../api/accounts';

export function AccountCard({ account }: { account: Account }) {
  return (
    <Card
      as="article"
      className="account-card"
      aria-label={`${titleCase(account.type)} account ${account.number ?? ''}`}
    >
      <div className="row row-between">
        <div>
          <div style={{ fontWeight: 650 }}>{titleCase(account.type)}</div>
          <div className="muted mono" data-testid="account-number">
            {account.number ?? account.id}
          </div>
        </div>
        {account.status !== 'ACTIVE' && <StatusBadge status={account.status} />}
      </div>
      <div>
        <div className="muted" style={{ fontSize: '0.85rem' }}>
          Available
        </div>
        <div className="balance" data-testid="available-balance">
          {formatMoney(account.balances.available, account.currency)}
        </div>
      </div>
      <div className="balance-row">
        <div>
          Posted
          <strong data-testid="posted-balance">
            {formatMoney(account.balances.posted, account.currency)}
          </strong>
        </div>
        <div>
          Pending
          <strong data-testid="pending-balance">
            {formatMoney(account.balances.pending, account.currency)}
          </strong>
        </div>
      </div>
    </Card>
  );
}

export function AccountCards() {
  const accounts = useAccounts();
  if (accounts.isPending) {
    return (
      <div className="grid grid-3" role="status" aria-label="Loading accounts">
        {[0, 1].map((i) => (
          <div className="card" key={i}>
            <Skeleton width="40%" />
            <Skeleton height="2rem" width="60%" className="mt" />
            <Skeleton width="80%" />
          </div>
        ))}
      </div>
    );
  }
  if (accounts.isError) {
    return (
      <ErrorState
        title="We couldn't load your accounts"
        message={plainMessage(accounts.error)}
        onRetry={() => void accounts.refetch()}
      />
    );
  }
  if (accounts.data.length === 0) {
    return (
      <Card>
        <EmptyState
          title="No accounts yet"
          description="Open your first account to start sending and receiving money."
          action={<ButtonLink to="/onboarding">Open an account</ButtonLink>}
        />
      </Card>
    );
  }
  return (
    <div className="grid grid-3">
      {accounts.data.map((a) => (
        <AccountCard key={a.id} account={a} />
      ))}
      <Link
        to="/onboarding/account"
        className="card account-card"
        style={{
          justifyContent: 'center',
          alignItems: 'center',
          color: 'var(--c-primary)',
          fontWeight: 600,
        }}
      >
        + Open another account
      </Link>
    </div>
  );
}
