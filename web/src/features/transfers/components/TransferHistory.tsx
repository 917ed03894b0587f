import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, ButtonLink } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { Input, Select } from '@/components/ui/Input';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Table } from '@/components/ui/Table';
import { plainMessage } from '@/lib/errors';
import { formatDate, titleCase } from '@/lib/format';
import { checkPositiveAmount, formatMoney, isCurrency } from '@/lib/money';
import { TRANSFER_STATUSES, useTransfersInfinite, type Transfer } from '../api/transfers';
import { describeAccount, type OwnAccount } from './types';

interface Filters {
  accountId: string;
  status: string;
  from: string;
  to: string;
  min: string;
  max: string;
  counterparty: string;
}

/** Date, amount and counterparty filters apply to the loaded pages (the API filters account and status). */
export function applyLocalFilters(
  items: Transfer[],
  f: Filters,
  accounts: OwnAccount[],
): Transfer[] {
  const cur = (t: Transfer) => (isCurrency(t.currency) ? t.currency : 'USD');
  const minOf = (t: Transfer) => (f.min ? checkPositiveAmount(f.min, cur(t)) : null);
  const maxOf = (t: Transfer) => (f.max ? checkPositiveAmount(f.max, cur(t)) : null);
  const needle = f.counterparty.trim().toLowerCase();
  return items.filter((t) => {
    const day = (t.createdAt ?? '').slice(0, 10);
    if (f.from && day && day < f.from) return false;
    if (f.to && day && day > f.to) return false;
    const min = minOf(t);
    if (min?.ok && BigInt(t.amount) < min.minor) return false;
    const max = maxOf(t);
    if (max?.ok && BigInt(t.amount) > max.minor) return false;
    if (needle) {
      const hay = [
        t.fromAccountId,
        t.toAccountId,
        describeAccount(t.fromAccountId, accounts),
        describeAccount(t.toAccountId, accounts),
        t.memo ?? '',
      ]
        .join(' ')
        .toLowerCase();
      if (!hay.includes(needle)) return false;
    }
    return true;
  });
}

export function TransferHistory({ accounts }: { accounts: OwnAccount[] }) {
  const [f, setF] = useState<Filters>({
    accountId: '',
    status: '',
    from: '',
    to: '',
    min: '',
    max: '',
    counterparty: '',
  });
  const q = useTransfersInfinite({
    accountId: f.accountId || undefined,
    status: f.status || undefined,
  });
  const navigate = useNavigate();
  const mine = useMemo(() => new Set(accounts.map((a) => a.id)), [accounts]);
  const all = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const rows = applyLocalFilters(all, f, accounts);
  const set = (k: keyof Filters) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF((v) => ({ ...v, [k]: e.target.value }));
  const reset = () =>
    setF({ accountId: '', status: '', from: '', to: '', min: '', max: '', counterparty: '' });

  return (
    <Card title="Transfers">
      <div className="stack">
        <div className="filters" role="search" aria-label="Filter transfers">
          <Select label="Account" value={f.accountId} onChange={set('accountId')}>
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.number ?? a.id}
              </option>
            ))}
          </Select>
          <Select label="Status" value={f.status} onChange={set('status')}>
            <option value="">Any status</option>
            {TRANSFER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {titleCase(s)}
              </option>
            ))}
          </Select>
          <Input label="From date" type="date" value={f.from} onChange={set('from')} />
          <Input label="To date" type="date" value={f.to} onChange={set('to')} />
          <Input
            label="Min amount"
            inputMode="decimal"
            value={f.min}
            onChange={set('min')}
            placeholder="0.00"
          />
          <Input
            label="Max amount"
            inputMode="decimal"
            value={f.max}
            onChange={set('max')}
            placeholder="0.00"
          />
          <Input
            label="Counterparty"
            value={f.counterparty}
            onChange={set('counterparty')}
            placeholder="Account number or note"
          />
          <Button variant="ghost" onClick={reset}>
            Clear filters
          </Button>
        </div>
        {q.isPending ? (
          <SkeletonRows rows={5} label="Loading transfers" />
        ) : q.isError ? (
          <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            title={all.length === 0 ? 'No transfers yet' : 'No transfers match these filters'}
            description={
              all.length === 0
                ? 'When you send or receive money it will be listed here.'
                : 'Try widening the dates or clearing the filters.'
            }
            action={
              all.length === 0 ? (
                <ButtonLink to="/transfer">Send money</ButtonLink>
              ) : (
                <Button variant="secondary" onClick={reset}>
                  Clear filters
                </Button>
              )
            }
          />
        ) : (
          <Table<Transfer>
            caption="Transfers"
            rows={rows}
            rowKey={(t) => t.id}
            onRowClick={(t) => navigate(`/transfers/${t.id}`)}
            columns={[
              { key: 'date', header: 'Date', render: (t) => formatDate(t.createdAt, true) },
              {
                key: 'who',
                header: 'Counterparty',
                render: (t) => {
                  const outgoing = mine.has(t.fromAccountId);
                  return (
                    <a
                      href={`/transfers/${t.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/transfers/${t.id}`);
                      }}
                    >
                      {outgoing
                        ? `To ${describeAccount(t.toAccountId, accounts)}`
                        : `From ${describeAccount(t.fromAccountId, accounts)}`}
                    </a>
                  );
                },
              },
              { key: 'memo', header: 'Note', render: (t) => t.memo ?? '—', secondary: true },
              { key: 'status', header: 'Status', render: (t) => <StatusBadge status={t.status} /> },
              {
                key: 'amount',
                header: 'Amount',
                align: 'right',
                render: (t) => {
                  const outgoing = mine.has(t.fromAccountId) && !mine.has(t.toAccountId);
                  return (
                    <span className={outgoing ? 'amount-out' : 'amount-in'}>
                      {formatMoney(outgoing ? -t.amount : t.amount, t.currency, { signed: true })}
                    </span>
                  );
                },
              },
            ]}
          />
        )}
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
    </Card>
  );
}
