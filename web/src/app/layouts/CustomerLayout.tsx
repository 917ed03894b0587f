import { useState } from 'react';
import { Outlet, useOutletContext } from 'react-router-dom';
import { useToast } from '@/components/ui/Toast';
import {
  notificationText,
  useNotificationStream,
  type StreamState,
} from '@/features/notifications/api/notifications';
import { AppShell } from './AppShell';
import { useSession } from '../session-hooks';

export function useLiveNotifications() {
  return useOutletContext<{ live: StreamState; clearUnread: () => void }>();
}

export function CustomerLayout() {
  const toast = useToast();
  const s = useSession();
  const [unread, setUnread] = useState(0);
  const live = useNotificationStream((n) => {
    setUnread((u) => u + 1);
    const { title, body } = notificationText(n);
    toast.show(body ? `${title}: ${body}` : title);
  }, Boolean(s.accessToken));
  return (
    <AppShell
      sections={[
        {
          items: [
            { to: '/', label: 'Home', icon: '⌂', end: true },
            { to: '/transfer', label: 'Send money', icon: '⇄' },
            { to: '/history', label: 'History', icon: '☰' },
            { to: '/scheduled', label: 'Scheduled', icon: '⟳' },
            { to: '/notifications', label: 'Notifications', icon: '✉', count: unread },
            { to: '/assistant', label: 'Assistant', icon: '✦' },
          ],
        },
        {
          title: 'You',
          items: [
            { to: '/onboarding/status', label: 'Verification', icon: '✓' },
            { to: '/settings', label: 'Security', icon: '◆' },
          ],
        },
      ]}
    >
      <Outlet context={{ live, clearUnread: () => setUnread(0) }} />
    </AppShell>
  );
}
