import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ButtonLink } from '@/components/ui/Button';
import { ErrorState, Spinner } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { session, setSessionExpiredHandler } from '@/lib/session';
import { useMe } from '@/features/auth/api/auth';

export function useSession() {
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

/** Lets lib/session send the user to sign-in through the router, keeping where they were. */
export function SessionExpiryBridge() {
  const navigate = useNavigate();
  useEffect(() => {
    setSessionExpiredHandler((returnTo) =>
      navigate(`/sign-in?returnTo=${encodeURIComponent(returnTo)}&expired=1`, { replace: true }),
    );
  }, [navigate]);
  return null;
}

export function safeReturnTo(value: string | null): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/sign-'))
    return null;
  return value;
}

function FullPage({ children }: { children: ReactNode }) {
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 24 }}>
      {children}
    </div>
  );
}

export function RequireAuth({ roles, children }: { roles?: string[]; children: ReactNode }) {
  const s = useSession();
  const location = useLocation();
  const me = useMe(Boolean(s.accessToken));
  if (!s.ready)
    return (
      <FullPage>
        <Spinner label="Signing you in" />
      </FullPage>
    );
  if (!s.accessToken) {
    const returnTo = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?returnTo=${encodeURIComponent(returnTo)}`} replace />;
  }
  if (me.isPending)
    return (
      <FullPage>
        <Spinner label="Loading your profile" />
      </FullPage>
    );
  if (me.isError)
    return (
      <FullPage>
        <ErrorState
          title="We couldn't load your profile"
          message={plainMessage(me.error)}
          onRetry={() => void me.refetch()}
          action={
            <ButtonLink variant="ghost" to="/sign-in">
              Sign in again
            </ButtonLink>
          }
        />
      </FullPage>
    );
  if (roles && !me.data.roles.some((r) => roles.includes(r))) {
    return (
      <FullPage>
        <ErrorState
          title="This area is for Harbor staff"
          message="Your account does not have access to the support console."
          action={<ButtonLink to="/">Go to your dashboard</ButtonLink>}
        />
      </FullPage>
    );
  }
  return <>{children}</>;
}
