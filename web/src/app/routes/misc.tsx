import { useEffect } from 'react';
import { ButtonLink } from '@/components/ui/Button';
import { PageHeader } from '@/components/ui/Card';
import { EmptyState } from '@/components/ui/States';
import { useMe } from '@/features/auth/api/auth';
import { MfaSetup } from '@/features/auth/components/MfaSetup';
import { NotificationCenter } from '@/features/notifications/components/NotificationCenter';
import { AssistantChat } from '@/features/assistant/components/AssistantChat';
import { useLiveNotifications } from '../layouts/CustomerLayout';

export function NotificationsPage() {
  const { live, clearUnread } = useLiveNotifications();
  useEffect(() => clearUnread(), [clearUnread]);
  return (
    <>
      <PageHeader title="Notifications" subtitle="New ones arrive live." />
      <NotificationCenter live={live} />
    </>
  );
}

export function AssistantPage() {
  return (
    <>
      <PageHeader
        title="Assistant"
        subtitle="Answers about your accounts, transfers and schedules."
      />
      <AssistantChat />
    </>
  );
}

export function SettingsPage() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Security" subtitle={me.data?.email} />
      <div style={{ maxWidth: 640 }}>
        <MfaSetup enabled={Boolean(me.data?.mfaEnabled)} />
      </div>
    </>
  );
}

export function NotFoundPage() {
  return (
    <main id="main" className="content">
      <EmptyState
        title="Page not found"
        description="The page you were looking for does not exist or has moved."
        action={<ButtonLink to="/">Go home</ButtonLink>}
      />
    </main>
  );
}
