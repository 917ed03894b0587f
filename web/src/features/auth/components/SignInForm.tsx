import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Input } from '@/components/ui/Input';
import { Notice } from '@/components/ui/States';
import { isApiError, plainMessage } from '@/lib/errors';
import { loginInput, useLogin } from '../api/auth';

type Errors = Partial<Record<'email' | 'password' | 'totp', string>>;

/** Email + password, then a TOTP step when the API answers MFA_REQUIRED. */
export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const mutation = useLogin();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const parsed = loginInput.safeParse({ email, password, totp: needTotp ? totp : undefined });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues)
        next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data, {
      onSuccess: onSignedIn,
      onError: (err) => {
        if (isApiError(err) && err.code === 'MFA_REQUIRED') {
          setNeedTotp(true);
          return;
        }
        setFormError(plainMessage(err));
      },
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Sign in">
      {!needTotp ? (
        <>
          <Input
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            required
          />
          <Input
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
            required
          />
        </>
      ) : (
        <>
          <Notice>Two-step verification is on for this account.</Notice>
          <Input
            label="Authentication code"
            hint="Open your authenticator app and enter the 6-digit code for Harbor Bank."
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={totp}
            onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
            error={errors.totp}
            autoFocus
          />
        </>
      )}
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <Button type="submit" loading={mutation.isPending}>
        {needTotp ? 'Verify and sign in' : 'Sign in'}
      </Button>
      {needTotp && (
        <Button
          variant="ghost"
          onClick={() => {
            setNeedTotp(false);
            setTotp('');
          }}
        >
          Use a different account
        </Button>
      )}
    </form>
  );
}
