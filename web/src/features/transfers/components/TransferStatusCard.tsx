import { useState } from 'react';
import { Button, ButtonLink } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/Badge';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { ErrorState, Notice, SkeletonRows } from '@/components/ui/States';
import { Timeline } from '@/components/ui/Timeline';
import { useToast } from '@/components/ui/Toast';
import { plainForCode, plainMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import { CANCELLABLE, useCancelTransfer } from '../api/transfers';
import { useTransferLive } from '../hooks/useTransferLive';
import { transferSteps } from './transfer-timeline';
import { describeAccount, type OwnAccount } from './types';

const STATUS_WORDS: Record<string, string> = {
  PENDING: 'We are starting your transfer.',
  FUNDS_HELD: 'The money is reserved in your account and on its way.',
  AWAITING_REVIEW: plainForCode('AWAITING_REVIEW')!,
  POSTING: 'Sending the money now.',
  COMPLETED: 'Done. The money has arrived.',
  NEEDS_ATTENTION:
    'Something needs a closer look. Our team has been alerted; you do not need to do anything.',
  CANCELLED: 'This transfer was cancelled. The reserved money is available again.',
  REJECTED: plainForCode('REVIEW_REJECTED')!,
  FAILED: 'This transfer failed and no money was moved.',
  REVERSED:
    'This transfer was completed, then reversed by the bank: the money went back to the sender.',
};

export function TransferStatusCard({ id, accounts }: { id: string; accounts: OwnAccount[] }) {
  const live = useTransferLive(id);
  const cancel = useCancelTransfer(id);
  const [confirming, setConfirming] = useState(false);
  const toast = useToast();

  if (live.isPending)
    return (
      <Card>
        <SkeletonRows rows={5} label="Loading transfer" />
      </Card>
    );
  if (live.isError)
    return (
      <Card>
        <ErrorState
          title="We couldn't load this transfer"
          message={plainMessage(live.error)}
          onRetry={() => void live.refetch()}
          action={
            <ButtonLink variant="ghost" to="/history">
              Go to history
            </ButtonLink>
          }
        />
      </Card>
    );
  const t = live.data;
  const failureWords = t.failureCode ? plainForCode(t.failureCode) : undefined;
  const canCancel = CANCELLABLE.includes(t.status);
  const tone =
    t.status === 'COMPLETED'
      ? 'success'
      : ['FAILED', 'REJECTED'].includes(t.status)
        ? 'danger'
        : t.status === 'AWAITING_REVIEW' || t.status === 'NEEDS_ATTENTION'
          ? 'warning'
          : 'info';

  return (
    <Card
      title={
        <span className="row">
          Transfer <StatusBadge status={t.status} />
        </span>
      }
      actions={
        <span className="muted" style={{ fontSize: '0.82rem' }} aria-live="off">
          <span
            className={`dot-live ${live.mode === 'live' ? '' : 'dot-offline'}`}
            aria-hidden="true"
          />
          {live.mode === 'live'
            ? 'Live'
            : live.mode === 'done'
              ? 'Final'
              : live.mode === 'polling'
                ? 'Refreshing'
                : 'Connecting'}
        </span>
      }
    >
      <div className="grid grid-2">
        <div className="stack">
          <div>
            <div className="review-amount">{formatMoney(t.amount, t.currency)}</div>
            <div className="muted">{formatDate(t.createdAt, true)}</div>
          </div>
          <dl className="kv">
            <dt>From</dt>
            <dd>{describeAccount(t.fromAccountId, accounts)}</dd>
            <dt>To</dt>
            <dd>{describeAccount(t.toAccountId, accounts)}</dd>
            {t.memo && (
              <>
                <dt>Note</dt>
                <dd>{t.memo}</dd>
              </>
            )}
            <dt>Reference</dt>
            <dd className="mono">{t.id}</dd>
          </dl>
          <div
            role="status"
            aria-live="polite"
            data-testid="transfer-status"
            data-status={t.status}
          >
            <Notice tone={tone}>{failureWords ?? STATUS_WORDS[t.status] ?? t.status}</Notice>
          </div>
          {canCancel && (
            <div>
              <Button variant="secondary" onClick={() => setConfirming(true)}>
                Cancel transfer
              </Button>
            </div>
          )}
        </div>
        <Timeline label="Transfer progress" steps={transferSteps(t.status, t.timeline)} />
      </div>
      <ConfirmDialog
        open={confirming}
        title="Cancel this transfer?"
        description={`${formatMoney(t.amount, t.currency)} will not be sent, and the reserved money becomes available again.`}
        confirmLabel="Cancel transfer"
        tone="danger"
        busy={cancel.isPending}
        error={cancel.isError ? plainMessage(cancel.error) : null}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          cancel.mutate(undefined, {
            onSuccess: () => {
              setConfirming(false);
              toast.show('Transfer cancelled.', 'success');
            },
          })
        }
      />
    </Card>
  );
}
