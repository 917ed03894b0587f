import { useEffect, useState, type ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router-dom';
import { Button } from '@/components/ui/Button';
import { useLogout, useMe } from '@/features/auth/api/auth';

export interface NavItem {
  to: string;
  label: string;
  icon: string;
  end?: boolean;
  count?: number;
}

export function AppShell({
  sections,
  children,
  variant = 'customer',
}: {
  sections: { title?: string; items: NavItem[] }[];
  children: ReactNode;
  variant?: 'customer' | 'support';
}) {
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const me = useMe();
  const logout = useLogout();
  useEffect(() => setOpen(false), [location.pathname]);
  const signOut = () =>
    logout.mutate(undefined, { onSettled: () => navigate('/sign-in', { replace: true }) });
  const isStaff = me.data?.roles.some((r) => r === 'support' || r === 'ops');
  return (
    <div className={`shell shell-${variant}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside id="main-nav" className={`sidebar ${open ? 'open' : ''}`} aria-label="Main navigation">
        <a className="brand" href={variant === 'support' ? '/support' : '/'}>
          <span className="brand-mark" aria-hidden="true">
            ⚓
          </span>{' '}
          Harbor {variant === 'support' ? 'Console' : 'Bank'}
        </a>
        <nav className="nav">
          {sections.map((s, i) => (
            <div key={i} className="nav">
              {s.title && <div className="nav-section">{s.title}</div>}
              {s.items.map((item) => (
                <NavLink
                  key={item.to}
                  to={item.to}
                  end={item.end}
                  className={({ isActive }) => `nav-link ${isActive ? 'active' : ''}`}
                >
                  <span aria-hidden="true">{item.icon}</span>
                  {item.label}
                  {item.count ? (
                    <span className="nav-count" aria-label={`${item.count} new`}>
                      {item.count}
                    </span>
                  ) : null}
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
        <div className="sidebar-footer">
          {isStaff && variant === 'customer' && (
            <NavLink className="nav-link" to="/support">
              Support console →
            </NavLink>
          )}
          {variant === 'support' && (
            <NavLink className="nav-link" to="/">
              ← Customer app
            </NavLink>
          )}
          <div title={me.data?.email}>{me.data?.fullName ?? me.data?.email}</div>
          <Button variant="secondary" size="sm" onClick={signOut} loading={logout.isPending}>
            Sign out
          </Button>
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <button
            className="menu-button"
            aria-expanded={open}
            aria-controls="main-nav"
            onClick={() => setOpen((o) => !o)}
          >
            ☰ <span className="sr-only">Menu</span>
          </button>
          <span style={{ fontWeight: 700 }}>
            Harbor {variant === 'support' ? 'Console' : 'Bank'}
          </span>
          <span style={{ width: 40 }} />
        </header>
        {open && (
          <div
            onClick={() => setOpen(false)}
            style={{ position: 'fixed', inset: 0, zIndex: 35, background: 'rgba(0,0,0,.3)' }}
            aria-hidden="true"
          />
        )}
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
