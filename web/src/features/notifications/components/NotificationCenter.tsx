import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { notificationText, useNotifications } from '../api/notifications';

export function NotificationCenter({ live }: { live: 'connecting' | 'live' | 'offline' }) {
  const q = useNotifications();
  return (
    <Card
      title="Notifications"
      actions={
        <span className="muted" style={{ fontSize: '0.82rem' }}>
          <span className={`dot-live ${live === 'live' ? '' : 'dot-offline'}`} aria-hidden="true" />
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      }
    >
      {q.isPending ? (
        <SkeletonRows rows={4} label="Loading notifications" />
      ) : q.isError ? (
        <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <EmptyState
          icon="✉"
          title="You're all caught up"
          description="Transfers, reviews and account changes will appear here as they happen."
        />
      ) : (
        <ul className="list" aria-live="polite" aria-label="Notifications">
          {q.data.map((n) => {
            const { title, body } = notificationText(n);
            const unread = n.read === false || (n.read === undefined && !n.readAt);
            return (
              <li key={n.id}>
                <div>
                  <div className={unread ? 'list-unread' : undefined}>{title}</div>
                  {body && <div className="muted">{body}</div>}
                </div>
                <div className="muted" style={{ fontSize: '0.8rem', whiteSpace: 'nowrap' }}>
                  {formatDate(n.createdAt, true)}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
