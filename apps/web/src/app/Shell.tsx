import type { ReactNode } from 'react';
import { BrandMark } from '../components/BrandMark';
import { api, type SessionUser } from '../api/client';
import { type Dictionary } from '../i18n/en';
import { LanguageSelect, useT } from '../i18n/i18n';
import { Link } from './router';
import type { Theme } from './theme';

const NAV: { href: string; label: (t: Dictionary) => string; adminOnly?: boolean; matches?: string[] }[] = [
  { href: '/', label: (t) => t.navFleet, matches: ['/servers'] },
  { href: '/alerts', label: (t) => t.navAlerts },
  { href: '/lightd', label: (t) => t.navLightd },
  { href: '/credentials', label: (t) => t.navCredentials },
  { href: '/releases', label: (t) => t.navReleases },
  { href: '/users', label: (t) => t.navUsers, adminOnly: true },
  { href: '/audit', label: (t) => t.navAudit, adminOnly: true },
  { href: '/account', label: (t) => t.navAccount },
  { href: '/api-tokens', label: (t) => t.navApiTokens },
  { href: '/sessions', label: (t) => t.navSessions },
];

/** The frame around every page: a skip link, navigation, theme and language, who is signed in. */
export function Shell({ user, path, theme, onTheme, children }: { user: SessionUser; path: string; theme: Theme; onTheme: (t: Theme) => void; children: ReactNode }) {
  const t = useT();
  const active = (n: (typeof NAV)[number]) => (n.href === '/' ? path === '/' : path.startsWith(n.href)) || (n.matches ?? []).some((m) => path.startsWith(m));
  const other: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className="shell">
      <a href="#content" className="skip-link">
        {t.skipToContent}
      </a>
      <nav className="sidebar" aria-label={t.mainNavigation}>
        <Link href="/" className="brand">
          <BrandMark />
          Pharos
        </Link>
        <ul>
          {NAV.filter((n) => !n.adminOnly || user.role === 'admin').map((n) => (
            <li key={n.href}>
              <Link href={n.href} className={active(n) ? 'active' : undefined} aria-current={active(n) ? 'page' : undefined}>
                {n.label(t)}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <button type="button" className="ghost" onClick={() => onTheme(other)} aria-label={other === 'light' ? t.switchToLight : t.switchToDark} data-theme-switch>
            {theme === 'dark' ? `☀ ${t.light}` : `☾ ${t.dark}`}
          </button>
          <LanguageSelect />
          <span className="muted small user-name" title={t.signedInAs(user.username, user.role === 'admin' ? t.roleAdmin : t.roleViewer)}>
            {user.username}
            {user.role === 'viewer' && ` · ${t.roleViewer}`}
          </span>
          <button type="button" className="ghost" onClick={() => void api.logout()}>
            {t.signOut}
          </button>
        </div>
      </nav>
      <main className="content" id="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
