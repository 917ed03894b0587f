import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '@/components/ui/Card';
import { SegmentedControl } from '@/components/ui/Tabs';
import { QUEUES, type Queue } from '@/features/support/api/support';
import { TransferQueue } from '@/features/support/components/TransferQueue';
import { TransferLookup } from '@/features/support/components/TransferLookup';
import { KycQueue } from '@/features/support/components/KycQueue';
import { FreezeAccount } from '@/features/support/components/FreezeAccount';
import { AuditLog } from '@/features/support/components/AuditLog';
import { DepositForm } from '@/features/ops/components/DepositForm';
import { FraudRules } from '@/features/ops/components/FraudRules';
import { LedgerInvariant } from '@/features/ops/components/LedgerInvariant';

const QUEUE_LABELS: Record<Queue, string> = {
  AWAITING_REVIEW: 'Awaiting review',
  NEEDS_ATTENTION: 'Needs attention',
  STUCK: 'Stuck',
};

export function SupportQueuesPage() {
  const [params, setParams] = useSearchParams();
  const raw = params.get('state');
  const queue: Queue = QUEUES.includes(raw as Queue) ? (raw as Queue) : 'AWAITING_REVIEW';
  return (
    <>
      <PageHeader title="Transfer queues" subtitle="Live: refreshes every few seconds." />
      <SegmentedControl<Queue>
        label="Queue"
        value={queue}
        onChange={(q) => setParams({ state: q })}
        options={QUEUES.map((q) => ({ value: q, label: QUEUE_LABELS[q] }))}
      />
      <TransferQueue queue={queue} />
      <div style={{ marginTop: 24 }}>
        <TransferLookup />
      </div>
    </>
  );
}

export function SupportKycPage() {
  return (
    <>
      <PageHeader
        title="KYC review"
        subtitle="Applications the automatic checks could not decide."
      />
      <KycQueue />
    </>
  );
}

export function SupportAccountsPage() {
  return (
    <>
      <PageHeader title="Accounts" />
      <div style={{ maxWidth: 640 }}>
        <FreezeAccount />
      </div>
    </>
  );
}

export function SupportAuditPage() {
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every support and ops action: who, what, target, reason, when."
      />
      <AuditLog />
    </>
  );
}

export function OpsDepositsPage() {
  return (
    <>
      <PageHeader
        title="Deposits"
        subtitle="Fund a customer account from the settlement account."
      />
      <div style={{ maxWidth: 720 }}>
        <DepositForm />
      </div>
    </>
  );
}

export function OpsFraudRulesPage() {
  return (
    <>
      <PageHeader title="Fraud rules" />
      <FraudRules />
    </>
  );
}

export function OpsLedgerPage() {
  return (
    <>
      <PageHeader title="Ledger" />
      <LedgerInvariant />
    </>
  );
}
