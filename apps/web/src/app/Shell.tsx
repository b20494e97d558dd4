import type { ReactNode } from 'react';
import { api, type SessionUser } from '../api/client';
import { Link } from './router';
import type { Theme } from './theme';

const NAV: { href: string; label: string; adminOnly?: boolean }[] = [
  { href: '/', label: 'Fleet' },
  { href: '/lightd', label: 'Lightd' },
  { href: '/credentials', label: 'Credentials' },
  { href: '/releases', label: 'Releases' },
  { href: '/users', label: 'Users', adminOnly: true },
  { href: '/audit', label: 'Audit log' },
];

export function Shell({ user, path, theme, onTheme, children }: { user: SessionUser; path: string; theme: Theme; onTheme: (t: Theme) => void; children: ReactNode }) {
  const active = (href: string) => (href === '/' ? path === '/' || path.startsWith('/servers') : path.startsWith(href));
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden>◆</span> Pharos
        </div>
        <ul>
          {NAV.filter((n) => !n.adminOnly || user.role === 'admin').map((n) => (
            <li key={n.href}>
              <Link href={n.href} className={active(n.href) ? 'active' : undefined} aria-current={active(n.href) ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <button type="button" className="ghost" onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="Toggle dark mode">
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <div className="muted small">{user.username}</div>
          <button type="button" className="ghost" onClick={() => void api.logout()}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
