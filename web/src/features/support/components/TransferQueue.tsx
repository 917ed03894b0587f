import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Timeline } from '@/components/ui/Timeline';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { formatDate, formatTime, titleCase } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import {
  actionsFor,
  explanationOf,
  reasonText,
  useQueue,
  useTransferAction,
  type Queue,
  type QueueItem,
  type TransferAction,
} from '../api/support';

const ACTION_WORDS: Record<
  TransferAction,
  { label: string; confirm: string; tone: 'primary' | 'danger'; what: string }
> = {
  approve: {
    label: 'Approve',
    confirm: 'Approve transfer',
    tone: 'primary',
    what: 'The money will be sent to the recipient.',
  },
  reject: {
    label: 'Reject',
    confirm: 'Reject transfer',
    tone: 'danger',
    what: 'The transfer stops and the reserved money is released to the sender.',
  },
  retry: {
    label: 'Retry',
    confirm: 'Retry transfer',
    tone: 'primary',
    what: 'The workflow retries the step that failed.',
  },
  cancel: {
    label: 'Cancel',
    confirm: 'Cancel transfer',
    tone: 'danger',
    what: 'The transfer is cancelled and any hold is released.',
  },
  reverse: {
    label: 'Reverse',
    confirm: 'Reverse transfer',
    tone: 'danger',
    what: 'The money goes back from the recipient to the sender, and both are told. Refused, with nothing moved, if the recipient no longer has it.',
  },
};

function scoreClass(score: number | null | undefined) {
  if (score == null) return '';
  return score >= 70 ? 'score-high' : score >= 40 ? 'score-mid' : 'score-low';
}

export function QueueCard({ item, queue }: { item: QueueItem; queue?: Queue }) {
  const [pending, setPending] = useState<TransferAction | null>(null);
  const action = useTransferAction();
  const toast = useToast();
  const explanation = explanationOf(item);
  const actions = actionsFor(item.status, queue);
  return (
    <Card
      as="article"
      className="queue-item"
      aria-label={`Transfer ${item.id}`}
      data-testid="queue-item"
      data-transfer-id={item.id}
    >
      <div className="row row-between">
        <div>
          <div style={{ fontSize: '1.25rem', fontWeight: 700 }}>
            {formatMoney(item.amount, item.currency)}
          </div>
          <div className="muted mono" style={{ fontSize: '0.8rem' }}>
            {item.id}
          </div>
        </div>
        <div className="row">
          <StatusBadge status={item.status} />
          {item.fraud?.score != null && (
            <span
              className={`score ${scoreClass(item.fraud.score)}`}
              aria-label={`Fraud score ${item.fraud.score}`}
            >
              Score {item.fraud.score}
            </span>
          )}
        </div>
      </div>
      <div className="grid grid-2">
        <div className="stack">
          <dl className="kv">
            <dt>From</dt>
            <dd className="mono">{item.fromAccountId}</dd>
            <dt>To</dt>
            <dd className="mono">{item.toAccountId}</dd>
            <dt>Created</dt>
            <dd>{formatDate(item.createdAt, true)}</dd>
            {item.fraud?.decision && (
              <>
                <dt>Decision</dt>
                <dd>{titleCase(item.fraud.decision)}</dd>
              </>
            )}
            {item.failureCode && (
              <>
                <dt>Failure</dt>
                <dd className="mono">{item.failureCode}</dd>
              </>
            )}
          </dl>
          {item.fraud && item.fraud.reasons.length > 0 && (
            <div>
              <div className="field-label">Reasons</div>
              <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                {item.fraud.reasons.map((r, i) => (
                  <li key={i}>{reasonText(r)}</li>
                ))}
              </ul>
            </div>
          )}
          {explanation && (
            <div className="notice notice-info">
              <strong>AI explanation. </strong>
              {explanation}
            </div>
          )}
        </div>
        <div className="stack">
          <Timeline
            label="Transfer timeline"
            steps={item.timeline.map((t, i) => ({
              key: `${t.status}-${i}`,
              label: titleCase(t.status),
              state: i === item.timeline.length - 1 ? 'current' : 'done',
              time: formatTime(t.at),
              note: t.note ?? undefined,
            }))}
          />
          {item.temporalUrl && (
            <a href={item.temporalUrl} target="_blank" rel="noreferrer">
              Open in Temporal UI ↗
            </a>
          )}
        </div>
      </div>
      {actions.length > 0 && (
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          {actions.map((a) => (
            <Button
              key={a}
              variant={ACTION_WORDS[a].tone === 'danger' ? 'secondary' : 'primary'}
              onClick={() => setPending(a)}
            >
              {ACTION_WORDS[a].label}
            </Button>
          ))}
        </div>
      )}
      <ConfirmDialog
        open={pending !== null}
        title={
          pending
            ? `${ACTION_WORDS[pending].label} ${formatMoney(item.amount, item.currency)}?`
            : ''
        }
        description={pending ? ACTION_WORDS[pending].what : undefined}
        confirmLabel={pending ? ACTION_WORDS[pending].confirm : 'Confirm'}
        tone={pending ? ACTION_WORDS[pending].tone : 'primary'}
        requireReason
        busy={action.isPending}
        error={action.isError ? plainMessage(action.error) : null}
        onCancel={() => {
          setPending(null);
          action.reset();
        }}
        onConfirm={(reason) =>
          pending &&
          action.mutate(
            { id: item.id, action: pending, reason },
            {
              onSuccess: () => {
                toast.show(`${ACTION_WORDS[pending].label}: done for ${item.id}.`, 'success');
                setPending(null);
              },
            },
          )
        }
      />
    </Card>
  );
}

export function TransferQueue({ queue }: { queue: Queue }) {
  const q = useQueue(queue);
  if (q.isPending) return <SkeletonRows rows={3} label="Loading queue" />;
  if (q.isError)
    return <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />;
  if (q.data.length === 0)
    return (
      <Card>
        <EmptyState
          icon="✓"
          title="Queue is clear"
          description={`No transfers are ${queue === 'STUCK' ? 'stuck' : titleCase(queue).toLowerCase()} right now. This list refreshes by itself.`}
        />
      </Card>
    );
  return (
    <div className="stack" aria-live="polite">
      {q.data.map((item) => (
        <QueueCard key={item.id} item={item} queue={queue} />
      ))}
    </div>
  );
}
