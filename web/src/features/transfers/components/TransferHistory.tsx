import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Button, ButtonLink } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { Input, Select } from '@/components/ui/Input';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Table } from '@/components/ui/Table';
import { formatAccountNumber } from '@/lib/account-number';
import { plainMessage } from '@/lib/errors';
import { formatDate, titleCase } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import { TRANSFER_STATUSES, useTransfersInfinite, type Transfer } from '../api/transfers';
import {
  EMPTY_FILTERS,
  filtersFromParams,
  hasFilters,
  paramsFromFilters,
  toApiFilters,
  type HistoryFilters,
} from './history-filters';
import { describeAccount, type OwnAccount } from './types';

/** The other side of a transfer, in words: own accounts by label, others by number only. */
function sideLabel(id: string, number: string | null | undefined, accounts: OwnAccount[]) {
  if (accounts.some((a) => a.id === id)) return describeAccount(id, accounts);
  return number ? `Account ${formatAccountNumber(number)}` : id;
}

/**
 * Transfers with server-side filters (date, amount, status, counterparty) kept in the URL, and
 * cursor pagination ("Load more") under those filters.
 */
export function TransferHistory({ accounts }: { accounts: OwnAccount[] }) {
  const [params, setParams] = useSearchParams();
  const applied = useMemo(() => filtersFromParams(params), [params]);
  const [draft, setDraft] = useState<HistoryFilters>(applied);
  useEffect(() => setDraft(applied), [applied]);
  const currency =
    accounts.find((a) => a.id === applied.account)?.currency ?? accounts[0]?.currency ?? 'USD';
  const { filters, errors } = toApiFilters(applied, currency);
  const q = useTransfersInfinite(filters);
  const navigate = useNavigate();
  const mine = useMemo(() => new Set(accounts.map((a) => a.id)), [accounts]);
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const filtered = hasFilters(applied);

  const apply = (next: HistoryFilters) => setParams(paramsFromFilters(next), { replace: true });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const setText = (k: keyof HistoryFilters) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setDraft((v) => ({ ...v, [k]: e.target.value }));
  // Choices apply at once, with whatever else has been typed.
  const setChoice = (k: keyof HistoryFilters) => (e: React.ChangeEvent<HTMLSelectElement>) =>
    apply({ ...draft, [k]: e.target.value });
  const reset = () => apply(EMPTY_FILTERS);

  return (
    <Card title="Transfers">
      <div className="stack">
        <form className="filters" role="search" aria-label="Filter transfers" onSubmit={onSubmit}>
          <Select label="Account" value={draft.account} onChange={setChoice('account')}>
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.number ?? a.id}
              </option>
            ))}
          </Select>
          <Select label="Status" value={draft.status} onChange={setChoice('status')}>
            <option value="">Any status</option>
            {TRANSFER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {titleCase(s)}
              </option>
            ))}
          </Select>
          <Input
            label="From date"
            type="date"
            value={draft.from}
            onChange={setText('from')}
            error={errors.from}
          />
          <Input
            label="To date"
            type="date"
            value={draft.to}
            onChange={setText('to')}
            error={errors.to}
          />
          <Input
            label="Min amount"
            inputMode="decimal"
            value={draft.min}
            onChange={setText('min')}
            placeholder="0.00"
            error={errors.min}
          />
          <Input
            label="Max amount"
            inputMode="decimal"
            value={draft.max}
            onChange={setText('max')}
            placeholder="0.00"
            error={errors.max}
          />
          <Input
            label="Counterparty"
            value={draft.who}
            onChange={setText('who')}
            placeholder="Account number or name"
            maxLength={100}
            error={errors.who}
          />
          <div className="filter-actions">
            <Button type="submit">Apply filters</Button>
            <Button variant="ghost" onClick={reset} disabled={!filtered && !hasFilters(draft)}>
              Clear filters
            </Button>
          </div>
        </form>
        {q.isPending ? (
          <SkeletonRows rows={5} label="Loading transfers" />
        ) : q.isError ? (
          <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            title={filtered ? 'No transfers match these filters' : 'No transfers yet'}
            description={
              filtered
                ? 'Try widening the dates or clearing the filters.'
                : 'When you send or receive money it will be listed here.'
            }
            action={
              !filtered ? (
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
            caption={filtered ? 'Transfers matching the filters' : 'Transfers'}
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
                        ? `To ${sideLabel(t.toAccountId, t.toAccountNumber, accounts)}`
                        : `From ${sideLabel(t.fromAccountId, t.fromAccountNumber, accounts)}`}
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
