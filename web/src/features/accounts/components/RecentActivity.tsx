import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { formatMoney } from '@/lib/money';
import { formatDate, titleCase } from '@/lib/format';
import { plainMessage } from '@/lib/errors';
import type { Account } from '../api/accounts';
import { entryTime, signedAmount, useRecentEntries } from '../api/entries';
import { lazy, Suspense } from 'react';

// recharts is large: load it after the balances are on screen.
const MonthlyChart = lazy(() =>
  import('./MonthlyChart').then((m) => ({ default: m.MonthlyChart })),
);

export function RecentActivity({ accounts }: { accounts: Account[] }) {
  const entries = useRecentEntries(accounts.map((a) => a.id));
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return (
    <div className="grid grid-2">
      <Card title="Recent activity">
        {entries.isPending && accounts.length > 0 ? (
          <SkeletonRows rows={4} label="Loading activity" />
        ) : entries.isError ? (
          <ErrorState
            message={plainMessage(entries.error)}
            onRetry={() => void entries.refetch()}
          />
        ) : !entries.data || entries.data.length === 0 ? (
          <EmptyState
            title="No activity yet"
            description="Deposits and transfers will show up here."
          />
        ) : (
          <ul className="list" aria-label="Recent activity">
            {entries.data.slice(0, 8).map((e) => {
              const account = byId.get(e.accountId);
              const currency = e.currency ?? account?.currency ?? 'USD';
              const s = signedAmount(e);
              return (
                <li key={`${e.accountId}-${e.id}`}>
                  <div>
                    <div>
                      {e.description ??
                        e.memo ??
                        e.reference ??
                        (e.kind ? titleCase(e.kind) : s >= 0 ? 'Money in' : 'Money out')}
                    </div>
                    <div className="muted" style={{ fontSize: '0.83rem' }}>
                      {formatDate(entryTime(e), true)} · {account?.number ?? ''}
                    </div>
                  </div>
                  <div className={`num ${s >= 0 ? 'amount-in' : 'amount-out'}`}>
                    {formatMoney(s, currency, { signed: true })}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card title="Money in and out">
        {entries.isPending && accounts.length > 0 ? (
          <SkeletonRows rows={5} label="Loading chart" />
        ) : (
          <Suspense fallback={<SkeletonRows rows={5} label="Loading chart" />}>
            <MonthlyChart entries={entries.data ?? []} currency={accounts[0]?.currency ?? 'USD'} />
          </Suspense>
        )}
      </Card>
    </div>
  );
}
