import { Outlet, createBrowserRouter } from 'react-router-dom';
import { CustomerLayout } from './layouts/CustomerLayout';
import { SupportLayout } from './layouts/SupportLayout';
import { RequireAuth, SessionExpiryBridge } from './session-hooks';
import { SignInPage, SignUpPage } from './routes/auth';
import { DashboardPage } from './routes/dashboard';
import { OnboardingPage, OnboardingStatusPage, OpenAccountPage } from './routes/onboarding';
import { HistoryPage, NewTransferPage, TransferDetailPage } from './routes/transfers';
import { ScheduledDetailPage, ScheduledListPage, ScheduledNewPage } from './routes/scheduled';
import { AssistantPage, NotFoundPage, NotificationsPage, SettingsPage } from './routes/misc';
import type { ComponentType } from 'react';

// The console is code-split: customers never download it.
const loadConsole = () => import('./routes/support');
type ConsoleModule = Awaited<ReturnType<typeof loadConsole>>;
const page = (name: keyof ConsoleModule, roles?: string[]) => async () => {
  const Page = (await loadConsole())[name] as ComponentType;
  return {
    Component: roles
      ? () => (
          <RequireAuth roles={roles}>
            <Page />
          </RequireAuth>
        )
      : Page,
  };
};

function Root() {
  return (
    <>
      <SessionExpiryBridge />
      <Outlet />
    </>
  );
}

export const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/sign-up', element: <SignUpPage /> },
      {
        element: (
          <RequireAuth>
            <CustomerLayout />
          </RequireAuth>
        ),
        children: [
          { path: '/', element: <DashboardPage /> },
          { path: '/onboarding', element: <OnboardingPage /> },
          { path: '/onboarding/status', element: <OnboardingStatusPage /> },
          { path: '/onboarding/account', element: <OpenAccountPage /> },
          { path: '/transfer', element: <NewTransferPage /> },
          { path: '/transfers/:id', element: <TransferDetailPage /> },
          { path: '/history', element: <HistoryPage /> },
          { path: '/scheduled', element: <ScheduledListPage /> },
          { path: '/scheduled/new', element: <ScheduledNewPage /> },
          { path: '/scheduled/:id', element: <ScheduledDetailPage /> },
          { path: '/notifications', element: <NotificationsPage /> },
          { path: '/assistant', element: <AssistantPage /> },
          { path: '/settings', element: <SettingsPage /> },
        ],
      },
      {
        path: '/support',
        element: (
          <RequireAuth roles={['support', 'ops']}>
            <SupportLayout />
          </RequireAuth>
        ),
        children: [
          { index: true, lazy: page('SupportQueuesPage') },
          { path: 'kyc', lazy: page('SupportKycPage') },
          { path: 'accounts', lazy: page('SupportAccountsPage') },
          { path: 'audit', lazy: page('SupportAuditPage') },
          { path: 'ops/deposits', lazy: page('OpsDepositsPage', ['ops']) },
          { path: 'ops/fraud-rules', lazy: page('OpsFraudRulesPage', ['ops']) },
          { path: 'ops/ledger', lazy: page('OpsLedgerPage', ['ops']) },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
