import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Input } from '@/components/ui/Input';
import { isApiError, plainMessage } from '@/lib/errors';
import { login, registerInput, useRegister, type RegisterInput } from '../api/auth';

type Errors = Partial<Record<keyof RegisterInput, string>>;

export function SignUpForm({ onSignedUp }: { onSignedUp: () => void }) {
  const [values, setValues] = useState<RegisterInput>({ fullName: '', email: '', password: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const mutation = useRegister();

  const set = (k: keyof RegisterInput) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const parsed = registerInput.safeParse(values);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues)
        next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data, {
      onSuccess: async () => {
        setSigningIn(true);
        try {
          await login({ email: parsed.data.email, password: parsed.data.password });
          onSignedUp();
        } catch (err) {
          setFormError(`Your account was created, but signing in failed: ${plainMessage(err)}`);
        } finally {
          setSigningIn(false);
        }
      },
      onError: (err) => {
        if (isApiError(err) && err.code === 'EMAIL_TAKEN') setErrors({ email: plainMessage(err) });
        else if (isApiError(err) && err.code === 'WEAK_PASSWORD')
          setErrors({ password: err.message });
        else setFormError(plainMessage(err));
      },
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Create your account">
      <Input
        label="Full name"
        autoComplete="name"
        value={values.fullName}
        onChange={set('fullName')}
        error={errors.fullName}
        required
      />
      <Input
        label="Email"
        type="email"
        autoComplete="email"
        value={values.email}
        onChange={set('email')}
        error={errors.email}
        required
      />
      <Input
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters, mixing three of: lowercase, uppercase, digits, symbols."
        value={values.password}
        onChange={set('password')}
        error={errors.password}
        required
      />
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <Button type="submit" loading={mutation.isPending || signingIn}>
        Create account
      </Button>
    </form>
  );
}
