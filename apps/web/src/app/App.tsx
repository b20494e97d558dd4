import { useEffect, useLayoutEffect, useState } from 'react';
import { api, type SessionUser } from '../api/client';
import { LanguageProvider, useT } from '../i18n/i18n';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { LoginPage } from '../pages/LoginPage';
import { FiringAlertsProvider } from './alerts';
import { Routes } from './Routes';
import { usePath } from './router';
import { Shell } from './Shell';
import { applyTheme, initialTheme, type Theme, ThemeContext } from './theme';

export function App() {
  return (
    <LanguageProvider>
      <Session />
    </LanguageProvider>
  );
}

function Session() {
  const t = useT();
  const [user, setUser] = useState<SessionUser | null>(api.user);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [expired, setExpired] = useState(false);
  const path = usePath();

  // Before any chart's effect runs: charts read the theme's colours from the page when rebuilt.
  useLayoutEffect(() => applyTheme(theme), [theme]);
  useEffect(
    () =>
      api.onSessionChange((next, change) => {
        setExpired(change === 'expired');
        setUser(next);
      }),
    [],
  );

  return (
    <ThemeContext.Provider value={theme}>
      {user ? (
        <FiringAlertsProvider>
          <Shell user={user} path={path} theme={theme} onTheme={setTheme}>
            <ErrorBoundary resetKey={path}>
              <Routes path={path} user={user} />
            </ErrorBoundary>
          </Shell>
        </FiringAlertsProvider>
      ) : (
        <LoginPage notice={expired ? t.sessionEndedNotice : undefined} />
      )}
    </ThemeContext.Provider>
  );
}
