import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { Input } from '@/components/ui/Input';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { useFreezeAccount } from '../api/support';

export function FreezeAccount() {
  const [accountId, setAccountId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<boolean | null>(null); // true = freeze
  const m = useFreezeAccount();
  const toast = useToast();
  const open = (freeze: boolean) => (e?: FormEvent) => {
    e?.preventDefault();
    if (!accountId.trim()) return setError('Enter the account id.');
    setError(null);
    setPending(freeze);
  };
  return (
    <Card title="Freeze or unfreeze an account">
      <form className="form" onSubmit={open(true)}>
        <p className="muted">A frozen account can still receive money, but nothing can leave it.</p>
        <Input
          label="Account id"
          value={accountId}
          onChange={(e) => setAccountId(e.target.value)}
          error={error}
          className="mono"
          autoComplete="off"
        />
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <Button type="submit" variant="danger">
            Freeze
          </Button>
          <Button variant="secondary" onClick={() => open(false)()}>
            Unfreeze
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? 'Freeze this account?' : 'Unfreeze this account?'}
        description={<span className="mono">{accountId}</span>}
        confirmLabel={pending ? 'Freeze account' : 'Unfreeze account'}
        tone={pending ? 'danger' : 'primary'}
        requireReason
        busy={m.isPending}
        error={m.isError ? plainMessage(m.error) : null}
        onCancel={() => {
          setPending(null);
          m.reset();
        }}
        onConfirm={(reason) =>
          m.mutate(
            { accountId: accountId.trim(), freeze: Boolean(pending), reason },
            {
              onSuccess: () => {
                toast.show(pending ? 'Account frozen.' : 'Account unfrozen.', 'success');
                setPending(null);
              },
            },
          )
        }
      />
    </Card>
  );
}
