import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Notice } from '@/components/ui/States';
import { SignInForm } from '@/features/auth/components/SignInForm';
import { SignUpForm } from '@/features/auth/components/SignUpForm';
import { safeReturnTo } from '../session-hooks';
import type { ReactNode } from 'react';

function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-hero">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⚓
          </span>{' '}
          Harbor Bank
        </div>
        <div className="auth-hero-copy">
          <h2>Banking that keeps its promises.</h2>
          <p>
            Every transfer is tracked step by step, never sent twice, and you can see exactly where
            your money is.
          </p>
        </div>
        <p className="auth-hero-copy" style={{ fontSize: '0.8rem' }}>
          Harbor Bank · demo environment
        </p>
      </div>
      <main className="auth-panel" id="main">
        <div className="auth-card">{children}</div>
      </main>
    </div>
  );
}

export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const returnTo = safeReturnTo(params.get('returnTo'));
  return (
    <AuthLayout>
      <div>
        <h1>Sign in</h1>
        <p className="muted">Welcome back.</p>
      </div>
      {params.get('expired') && (
        <Notice tone="warning">
          Your session ended. Sign in again to pick up where you left off.
        </Notice>
      )}
      <SignInForm onSignedIn={() => navigate(returnTo ?? '/', { replace: true })} />
      <p className="muted">
        New to Harbor?{' '}
        <Link to={`/sign-up${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`}>
          Open an account
        </Link>
      </p>
    </AuthLayout>
  );
}

export function SignUpPage() {
  const navigate = useNavigate();
  return (
    <AuthLayout>
      <div>
        <h1>Create your account</h1>
        <p className="muted">It takes a few minutes. You'll verify your identity next.</p>
      </div>
      <SignUpForm onSignedUp={() => navigate('/onboarding', { replace: true })} />
      <p className="muted">
        Already with us? <Link to="/sign-in">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
