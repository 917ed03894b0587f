import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Input } from '@/components/ui/Input';
import { Notice } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { useEnableMfa, useSetupMfa } from '../api/auth';

export function MfaSetup({ enabled }: { enabled: boolean }) {
  const setup = useSetupMfa();
  const enable = useEnableMfa();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);

  if (enabled || enable.isSuccess) {
    return (
      <Card title="Two-step verification">
        <Notice tone="success">
          Two-step verification is on. You will be asked for a code when you sign in.
        </Notice>
      </Card>
    );
  }

  const secret = setup.data?.secret;
  const url = setup.data?.otpauthUrl ?? setup.data?.otpauthUri;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setError('Enter the 6-digit code from your authenticator app.');
      return;
    }
    setError(null);
    enable.mutate(code, { onError: (err) => setError(plainMessage(err)) });
  };

  return (
    <Card title="Two-step verification">
      {!secret ? (
        <div className="stack">
          <p className="muted">
            Protect your account with a code from an authenticator app (Google Authenticator,
            1Password, Authy…) each time you sign in.
          </p>
          {setup.isError && (
            <p className="form-error" role="alert">
              {plainMessage(setup.error)}
            </p>
          )}
          <div>
            <Button onClick={() => setup.mutate()} loading={setup.isPending}>
              Set up two-step verification
            </Button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit}>
          <ol className="stack" style={{ paddingLeft: 18, margin: 0 }}>
            <li>
              In your authenticator app, add an account with this key:
              <div className="secret" aria-label="Setup key">
                {secret.replace(/(.{4})/g, '$1 ').trim()}
              </div>
              {url && (
                <p className="field-hint">
                  On this device you can also <a href={url}>open it in your authenticator app</a>.
                </p>
              )}
            </li>
            <li>Enter the 6-digit code it shows.</li>
          </ol>
          <Input
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            error={error}
          />
          <div className="form-actions">
            <Button type="submit" loading={enable.isPending}>
              Turn on
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
