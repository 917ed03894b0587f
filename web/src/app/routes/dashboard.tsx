import { Link, Navigate } from 'react-router-dom';
import { ButtonLink } from '@/components/ui/Button';
import { PageHeader } from '@/components/ui/Card';
import { Notice } from '@/components/ui/States';
import { useMe } from '@/features/auth/api/auth';
import { useAccounts } from '@/features/accounts/api/accounts';
import { AccountCards } from '@/features/accounts/components/AccountCards';
import { RecentActivity } from '@/features/accounts/components/RecentActivity';
import { PendingTransfers } from '@/features/transfers/components/PendingTransfers';

function greeting() {
  const h = new Date().getHours();
  return h < 12 ? 'Good morning' : h < 18 ? 'Good afternoon' : 'Good evening';
}

export function DashboardPage() {
  const me = useMe();
  const accounts = useAccounts({ refetchInterval: 15_000 });
  const first = me.data?.fullName?.split(' ')[0];
  const kyc = me.data?.kycStatus;
  // Staff without a customer profile have no accounts: their home is the console.
  if (me.data && !me.data.roles.includes('customer') && !me.data.customerId)
    return <Navigate to="/support" replace />;
  return (
    <>
      <PageHeader
        title={`${greeting()}${first ? `, ${first}` : ''}`}
        subtitle="Here is where your money stands."
        actions={
          <>
            <ButtonLink to="/transfer">Send money</ButtonLink>
            <ButtonLink to="/history" variant="secondary">
              Statements
            </ButtonLink>
          </>
        }
      />
      {kyc && kyc !== 'APPROVED' && (
        <Notice tone={kyc === 'REJECTED' ? 'danger' : 'info'}>
          {kyc === 'NOT_STARTED' ? (
            <>
              Verify your identity to open an account.{' '}
              <Link to="/onboarding">Start verification</Link>
            </>
          ) : (
            <>
              Your identity verification is {kyc === 'REJECTED' ? 'not approved' : 'in progress'}.{' '}
              <Link to="/onboarding/status">See status</Link>
            </>
          )}
        </Notice>
      )}
      <AccountCards />
      {accounts.data && accounts.data.length > 0 && (
        <>
          <RecentActivity accounts={accounts.data} />
          <PendingTransfers accounts={accounts.data} />
        </>
      )}
    </>
  );
}
