import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { Button, ButtonLink } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { Input } from '@/components/ui/Input';
import { MoneyInput } from '@/components/ui/MoneyInput';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Table } from '@/components/ui/Table';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import {
  checkPositiveAmount,
  formatMajor,
  formatMoney,
  isCurrency,
  minorToJson,
  toBigMinor,
} from '@/lib/money';
import {
  describeSchedule,
  useSchedule,
  useUpdateSchedule,
  type Occurrence,
  type ScheduledPayment,
} from '../api/schedules';
import { ScheduleActions } from './ScheduleList';
import { payerLabel, type PayerAccount } from './types';

function EditSchedule({ s, onDone }: { s: ScheduledPayment; onDone: () => void }) {
  const currency = isCurrency(s.currency) ? s.currency : 'USD';
  const [amount, setAmount] = useState(formatMajor(toBigMinor(s.amount), currency));
  const [next, setNext] = useState(s.nextRunAt?.slice(0, 10) ?? '');
  const [error, setError] = useState<string | null>(null);
  const update = useUpdateSchedule(s.id);
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const check = checkPositiveAmount(amount, currency);
    if (!check.ok) return setError(check.reason);
    const body: { amount?: number; nextRunAt?: string } = {};
    if (minorToJson(check.minor) !== s.amount) body.amount = minorToJson(check.minor);
    if (next && next !== s.nextRunAt?.slice(0, 10)) body.nextRunAt = `${next}T09:00:00.000Z`;
    if (Object.keys(body).length === 0) return onDone();
    update.mutate(body, {
      onSuccess: () => {
        toast.show('Scheduled payment updated.', 'success');
        onDone();
      },
      onError: (err) => setError(plainMessage(err)),
    });
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Edit scheduled payment">
      <div className="form-row">
        <MoneyInput
          label="Amount"
          currency={currency}
          value={amount}
          onChange={(t) => setAmount(t)}
        />
        <Input
          label="Next payment date"
          type="date"
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <Button variant="secondary" onClick={onDone}>
          Discard
        </Button>
        <Button type="submit" loading={update.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}

export function ScheduleDetail({ id, accounts }: { id: string; accounts: PayerAccount[] }) {
  const q = useSchedule(id);
  const [editing, setEditing] = useState(false);
  if (q.isPending)
    return (
      <Card>
        <SkeletonRows rows={4} label="Loading scheduled payment" />
      </Card>
    );
  if (q.isError)
    return (
      <Card>
        <ErrorState
          message={plainMessage(q.error)}
          onRetry={() => void q.refetch()}
          action={
            <ButtonLink variant="ghost" to="/scheduled">
              Back to scheduled payments
            </ButtonLink>
          }
        />
      </Card>
    );
  const s = q.data;
  const editable = s.status === 'ACTIVE' || s.status === 'PAUSED';
  return (
    <div className="stack">
      <Card
        title={
          <span className="row">
            {s.memo || 'Scheduled payment'} <StatusBadge status={s.status} />
          </span>
        }
        actions={<ScheduleActions s={s} />}
      >
        {editing ? (
          <EditSchedule s={s} onDone={() => setEditing(false)} />
        ) : (
          <div className="stack">
            <dl className="kv">
              <dt>Amount</dt>
              <dd>{formatMoney(s.amount, s.currency)}</dd>
              <dt>From</dt>
              <dd>{payerLabel(s.fromAccountId, accounts)}</dd>
              <dt>To</dt>
              <dd>{payerLabel(s.toAccountId, accounts)}</dd>
              <dt>Schedule</dt>
              <dd>{describeSchedule(s.schedule) || '—'}</dd>
              <dt>Next run</dt>
              <dd>
                {s.status === 'ACTIVE'
                  ? formatDate(s.nextRunAt, true)
                  : s.status === 'PAUSED'
                    ? 'Paused'
                    : '—'}
              </dd>
              {s.schedule?.endAt && (
                <>
                  <dt>Ends</dt>
                  <dd>{formatDate(s.schedule.endAt)}</dd>
                </>
              )}
              {s.schedule?.maxCount && (
                <>
                  <dt>Payments</dt>
                  <dd>{s.schedule.maxCount} in total</dd>
                </>
              )}
            </dl>
            {editable && (
              <div>
                <Button variant="secondary" onClick={() => setEditing(true)}>
                  Edit amount or date
                </Button>
              </div>
            )}
          </div>
        )}
      </Card>
      <Card title="History">
        {s.occurrences.length === 0 ? (
          <EmptyState
            title="No payments yet"
            description="Each payment this schedule makes, retries and skips will be listed here."
          />
        ) : (
          <Table<Occurrence>
            caption="Payment history"
            rows={s.occurrences}
            rowKey={(o) => `${o.dueDate ?? o.dueAt}-${o.transferId ?? ''}`}
            columns={[
              { key: 'due', header: 'Due', render: (o) => formatDate(o.dueDate ?? o.dueAt) },
              {
                key: 'status',
                header: 'Outcome',
                render: (o) => <StatusBadge status={o.status} />,
              },
              {
                key: 'why',
                header: 'Details',
                render: (o) =>
                  o.reason ??
                  o.failureCode ??
                  (o.attempts && o.attempts > 1 ? `${o.attempts} attempts` : '—'),
                secondary: true,
              },
              {
                key: 'transfer',
                header: 'Transfer',
                render: (o) =>
                  o.transferId ? (
                    <Link to={`/transfers/${o.transferId}`} className="mono">
                      {o.transferId}
                    </Link>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
