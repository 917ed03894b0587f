import { Navigate, useNavigate } from 'react-router-dom';
import { Card, PageHeader } from '@/components/ui/Card';
import { ErrorState, Notice, SkeletonRows } from '@/components/ui/States';
import { ButtonLink } from '@/components/ui/Button';
import { plainMessage } from '@/lib/errors';
import { useMe } from '@/features/auth/api/auth';
import { useKyc } from '@/features/onboarding/api/kyc';
import { KycForm } from '@/features/onboarding/components/KycForm';
import { KycStatusPanel } from '@/features/onboarding/components/KycStatusPanel';
import { OpenAccountForm } from '@/features/accounts/components/OpenAccountForm';
import { useAccounts } from '@/features/accounts/api/accounts';

function Steps({ at }: { at: 1 | 2 | 3 }) {
  const names = ['Verify identity', 'Review', 'Open account'];
  return (
    <ol className="steps-indicator" aria-label="Onboarding steps">
      {names.map((n, i) => (
        <li key={n} aria-current={i + 1 === at ? 'step' : undefined}>
          {i + 1}. {n}
          {i < 2 ? ' ›' : ''}
        </li>
      ))}
    </ol>
  );
}

export function OnboardingPage() {
  const kyc = useKyc();
  const me = useMe();
  const navigate = useNavigate();
  if (kyc.isPending) return <SkeletonRows rows={6} label="Loading" />;
  if (kyc.isError)
    return <ErrorState message={plainMessage(kyc.error)} onRetry={() => void kyc.refetch()} />;
  const status = kyc.data.status;
  if (status === 'PENDING' || status === 'IN_REVIEW')
    return <Navigate to="/onboarding/status" replace />;
  if (status === 'APPROVED') return <Navigate to="/onboarding/account" replace />;
  return (
    <>
      <PageHeader
        title="Verify your identity"
        subtitle="We are required by law to know who our customers are. Your data is encrypted."
      />
      <Steps at={1} />
      {status === 'REJECTED' && (
        <Notice tone="warning">
          Your previous application was not approved. Check your details and documents and submit
          again.
        </Notice>
      )}
      <KycForm
        defaultName={me.data?.fullName ?? ''}
        onSubmitted={() => navigate('/onboarding/status')}
      />
    </>
  );
}

export function OnboardingStatusPage() {
  return (
    <>
      <PageHeader title="Verification status" subtitle="This page updates by itself." />
      <Steps at={2} />
      <KycStatusPanel />
    </>
  );
}

export function OpenAccountPage() {
  const navigate = useNavigate();
  const kyc = useKyc();
  const accounts = useAccounts();
  const hasAccounts = (accounts.data?.length ?? 0) > 0;
  return (
    <>
      <PageHeader
        title={hasAccounts ? 'Open another account' : 'Open your first account'}
        subtitle="No fees. Ready in seconds."
      />
      <Steps at={3} />
      {kyc.data && kyc.data.status !== 'APPROVED' ? (
        <Card>
          <Notice tone="warning">You can open an account once your identity is verified.</Notice>
          <div style={{ marginTop: 12 }}>
            <ButtonLink to="/onboarding/status" variant="secondary">
              See verification status
            </ButtonLink>
          </div>
        </Card>
      ) : (
        <Card>
          <OpenAccountForm onOpened={() => navigate('/', { replace: true })} />
        </Card>
      )}
    </>
  );
}
