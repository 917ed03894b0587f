import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Table } from '@/components/ui/Table';
import { plainMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { useAuditLog, type AuditEntry } from '../api/support';

export function AuditLog() {
  const q = useAuditLog();
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card title="Audit log">
      {q.isPending ? (
        <SkeletonRows rows={6} label="Loading audit log" />
      ) : q.isError ? (
        <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title="No support actions yet"
          description="Every approve, reject, retry, cancel, freeze and deposit is recorded here."
        />
      ) : (
        <div className="stack">
          <Table<AuditEntry>
            caption="Audit log"
            rows={rows}
            rowKey={(r) => r.id}
            columns={[
              { key: 'at', header: 'When', render: (r) => formatDate(r.at, true) },
              {
                key: 'actor',
                header: 'Who',
                render: (r) => <span className="mono">{r.actor}</span>,
              },
              { key: 'action', header: 'Action', render: (r) => <strong>{r.action}</strong> },
              {
                key: 'target',
                header: 'Target',
                render: (r) => <span className="mono">{r.target}</span>,
                secondary: true,
              },
              { key: 'reason', header: 'Reason', render: (r) => r.reason ?? '—' },
            ]}
          />
          {q.hasNextPage && (
            <div className="row" style={{ justifyContent: 'center' }}>
              <Button
                variant="secondary"
                loading={q.isFetchingNextPage}
                onClick={() => void q.fetchNextPage()}
              >
                Load more
              </Button>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
