import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { formatDate, maskTail, titleCase } from '@/lib/format';
import { useKycDecision, useKycQueue, type KycApplication } from '../api/support';

/** The national id is never shown in full: only its last 4 characters. */
export function maskedNationalId(a: KycApplication): string {
  if (a.nationalIdLast4) return `•••••${a.nationalIdLast4.slice(-4)}`;
  if (a.nationalIdMasked) return maskTail(a.nationalIdMasked.replace(/[^A-Za-z0-9]/g, ''));
  return '—';
}

function Application({ a }: { a: KycApplication }) {
  const [decision, setDecision] = useState<'approve' | 'reject' | null>(null);
  const m = useKycDecision();
  const toast = useToast();
  const addr = a.address;
  return (
    <Card
      as="article"
      title={a.legalName ?? a.customerId}
      actions={a.escalatedAt ? <span className="badge badge-danger">Escalated</span> : undefined}
    >
      <div className="grid grid-2">
        <dl className="kv">
          <dt>Customer</dt>
          <dd className="mono">{a.customerId}</dd>
          <dt>Date of birth</dt>
          <dd>{a.dateOfBirth ?? '—'}</dd>
          <dt>National id</dt>
          <dd className="mono" data-testid="masked-national-id">
            {maskedNationalId(a)}
          </dd>
          <dt>Address</dt>
          <dd>
            {addr
              ? [addr.line1, addr.line2, addr.city, addr.postalCode, addr.country]
                  .filter(Boolean)
                  .join(', ')
              : '—'}
          </dd>
          <dt>Submitted</dt>
          <dd>{formatDate(a.createdAt, true)}</dd>
        </dl>
        <div className="stack">
          {a.reasons && a.reasons.length > 0 && (
            <div>
              <div className="field-label">Why it needs review</div>
              <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                {a.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          )}
          {a.screening?.matchedName && (
            <div className="notice notice-warning">
              Screening match: {a.screening.matchedName} ({a.screening.list}) — score{' '}
              {a.screening.score}
            </div>
          )}
          <div>
            <div className="field-label">Documents</div>
            {a.documents && a.documents.length > 0 ? (
              <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                {a.documents.map((d) => (
                  <li key={d.id}>
                    {titleCase(d.kind ?? 'document')} — {d.originalName ?? d.id}{' '}
                    {d.mimeType ? `(${d.mimeType})` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No documents listed.</p>
            )}
          </div>
        </div>
      </div>
      <div className="form-actions" style={{ justifyContent: 'flex-start', marginTop: 16 }}>
        <Button onClick={() => setDecision('approve')}>Approve</Button>
        <Button variant="secondary" onClick={() => setDecision('reject')}>
          Reject
        </Button>
      </div>
      <ConfirmDialog
        open={decision !== null}
        title={
          decision === 'approve'
            ? `Approve ${a.legalName ?? 'applicant'}?`
            : `Reject ${a.legalName ?? 'applicant'}?`
        }
        description={
          decision === 'approve'
            ? 'The customer can open accounts right away.'
            : 'The customer is told and may resubmit.'
        }
        confirmLabel={decision === 'approve' ? 'Approve' : 'Reject'}
        tone={decision === 'reject' ? 'danger' : 'primary'}
        requireReason
        busy={m.isPending}
        error={m.isError ? plainMessage(m.error) : null}
        onCancel={() => {
          setDecision(null);
          m.reset();
        }}
        onConfirm={(reason) =>
          decision &&
          m.mutate(
            { customerId: a.customerId, decision, reason },
            {
              onSuccess: () => {
                toast.show(
                  decision === 'approve' ? 'Application approved.' : 'Application rejected.',
                  'success',
                );
                setDecision(null);
              },
            },
          )
        }
      />
    </Card>
  );
}

export function KycQueue() {
  const q = useKycQueue();
  if (q.isPending) return <SkeletonRows rows={3} label="Loading KYC queue" />;
  if (q.isError)
    return <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />;
  if (q.data.length === 0)
    return (
      <Card>
        <EmptyState
          icon="✓"
          title="No applications waiting"
          description="Applications that need a human decision appear here."
        />
      </Card>
    );
  return (
    <div className="stack">
      {q.data.map((a) => (
        <Application key={a.customerId} a={a} />
      ))}
    </div>
  );
}
