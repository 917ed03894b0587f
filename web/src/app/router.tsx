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
import {
  OpsDepositsPage,
  OpsFraudRulesPage,
  OpsLedgerPage,
  SupportAccountsPage,
  SupportAuditPage,
  SupportKycPage,
  SupportQueuesPage,
} from './routes/support';

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
          { index: true, element: <SupportQueuesPage /> },
          { path: 'kyc', element: <SupportKycPage /> },
          { path: 'accounts', element: <SupportAccountsPage /> },
          { path: 'audit', element: <SupportAuditPage /> },
          {
            path: 'ops/deposits',
            element: (
              <RequireAuth roles={['ops']}>
                <OpsDepositsPage />
              </RequireAuth>
            ),
          },
          {
            path: 'ops/fraud-rules',
            element: (
              <RequireAuth roles={['ops']}>
                <OpsFraudRulesPage />
              </RequireAuth>
            ),
          },
          {
            path: 'ops/ledger',
            element: (
              <RequireAuth roles={['ops']}>
                <OpsLedgerPage />
              </RequireAuth>
            ),
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
