import type { ReactNode } from 'react';
import { BrandMark } from '../components/BrandMark';
import { api, type SessionUser } from '../api/client';
import { Link } from './router';
import type { Theme } from './theme';

const NAV: { href: string; label: string; adminOnly?: boolean; matches?: string[] }[] = [
  { href: '/', label: 'Fleet', matches: ['/servers'] },
  { href: '/lightd', label: 'Lightd' },
  { href: '/credentials', label: 'Credentials' },
  { href: '/releases', label: 'Releases' },
  { href: '/users', label: 'Users', adminOnly: true },
  { href: '/audit', label: 'Audit log', adminOnly: true },
];

/** The frame around every page: navigation, theme switch, who is signed in. */
export function Shell({ user, path, theme, onTheme, children }: { user: SessionUser; path: string; theme: Theme; onTheme: (t: Theme) => void; children: ReactNode }) {
  const active = (n: (typeof NAV)[number]) => (n.href === '/' ? path === '/' : path.startsWith(n.href)) || (n.matches ?? []).some((m) => path.startsWith(m));
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <Link href="/" className="brand">
          <BrandMark />
          Pharos
        </Link>
        <ul>
          {NAV.filter((n) => !n.adminOnly || user.role === 'admin').map((n) => (
            <li key={n.href}>
              <Link href={n.href} className={active(n) ? 'active' : undefined} aria-current={active(n) ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <button type="button" className="ghost" onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} mode`}>
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <span className="muted small user-name" title={`Signed in as ${user.username} (${user.role})`}>
            {user.username}
            {user.role === 'viewer' && ' · viewer'}
          </span>
          <button type="button" className="ghost" onClick={() => void api.logout()}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
