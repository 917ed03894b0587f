import { Outlet } from 'react-router-dom';
import { useMe } from '@/features/auth/api/auth';
import { AppShell, type NavItem } from './AppShell';

export function SupportLayout() {
  const me = useMe();
  const isOps = me.data?.roles.includes('ops');
  const ops: NavItem[] = [
    { to: '/support/ops/deposits', label: 'Deposits', icon: '+' },
    { to: '/support/ops/fraud-rules', label: 'Fraud rules', icon: '⚑' },
    { to: '/support/ops/ledger', label: 'Ledger invariant', icon: '⚖' },
  ];
  return (
    <AppShell
      variant="support"
      sections={[
        {
          title: 'Support',
          items: [
            { to: '/support', label: 'Transfer queues', icon: '⇄', end: true },
            { to: '/support/kyc', label: 'KYC review', icon: '✓' },
            { to: '/support/accounts', label: 'Accounts', icon: '❄' },
            { to: '/support/audit', label: 'Audit log', icon: '☰' },
          ],
        },
        ...(isOps ? [{ title: 'Operations', items: ops }] : []),
      ]}
    >
      <Outlet />
    </AppShell>
  );
}
