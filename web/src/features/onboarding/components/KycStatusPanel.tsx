import { ButtonLink } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { ErrorState, Notice, SkeletonRows } from '@/components/ui/States';
import { Timeline, type TimelineStep } from '@/components/ui/Timeline';
import { plainMessage } from '@/lib/errors';
import { useKyc } from '../api/kyc';

function steps(status: string): TimelineStep[] {
  const s = (key: string, label: string, state: TimelineStep['state']): TimelineStep => ({
    key,
    label,
    state,
  });
  const received = s('SUBMITTED', 'Details and documents received', 'done');
  switch (status) {
    case 'PENDING':
      return [
        received,
        s('CHECKS', 'Automatic checks', 'current'),
        s('DECISION', 'Decision', 'upcoming'),
      ];
    case 'IN_REVIEW':
      return [
        received,
        s('CHECKS', 'Automatic checks', 'done'),
        s('DECISION', 'A specialist is reviewing', 'waiting'),
      ];
    case 'APPROVED':
      return [received, s('CHECKS', 'Automatic checks', 'done'), s('DECISION', 'Approved', 'done')];
    case 'REJECTED':
      return [
        received,
        s('CHECKS', 'Automatic checks', 'done'),
        s('DECISION', 'Not approved', 'failed'),
      ];
    default:
      return [];
  }
}

/** Polls every few seconds while the application is PENDING or IN_REVIEW (see useKyc). */
export function KycStatusPanel() {
  const kyc = useKyc();
  if (kyc.isPending)
    return (
      <Card>
        <SkeletonRows rows={3} label="Loading verification status" />
      </Card>
    );
  if (kyc.isError)
    return (
      <Card>
        <ErrorState message={plainMessage(kyc.error)} onRetry={() => void kyc.refetch()} />
      </Card>
    );
  const { status, reasons } = kyc.data;
  return (
    <Card title="Identity verification" data-testid="kyc-status" data-status={status}>
      <div className="grid grid-2">
        <div className="stack" aria-live="polite">
          {status === 'NOT_STARTED' && (
            <>
              <p>
                We need a few details and two documents to verify your identity. It takes about 3
                minutes.
              </p>
              <div>
                <ButtonLink to="/onboarding">Start verification</ButtonLink>
              </div>
            </>
          )}
          {status === 'PENDING' && (
            <Notice>We are checking your details. This usually takes a few seconds.</Notice>
          )}
          {status === 'IN_REVIEW' && (
            <Notice tone="warning">
              A specialist is reviewing your application. This page updates by itself, and we will
              also notify you.
            </Notice>
          )}
          {status === 'APPROVED' && (
            <>
              <Notice tone="success">You're verified. Now open your first account.</Notice>
              <div>
                <ButtonLink to="/onboarding/account">Open an account</ButtonLink>
              </div>
            </>
          )}
          {status === 'REJECTED' && (
            <>
              <Notice tone="danger">We couldn't verify your identity.</Notice>
              {reasons.length > 0 && (
                <ul>
                  {reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              )}
              <div>
                <ButtonLink to="/onboarding" variant="secondary">
                  Update and resubmit
                </ButtonLink>
              </div>
            </>
          )}
        </div>
        {status !== 'NOT_STARTED' && (
          <Timeline label="Verification progress" steps={steps(status)} />
        )}
      </div>
    </Card>
  );
}
