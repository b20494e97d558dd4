import { useEffect, useState } from 'react';
import { api, type SessionUser } from '../api/client';
import { LoginPage } from '../pages/LoginPage';
import { Routes } from './Routes';
import { usePath } from './router';
import { Shell } from './Shell';
import { applyTheme, initialTheme, type Theme, ThemeContext } from './theme';

export function App() {
  const [user, setUser] = useState<SessionUser | null>(api.user);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [notice, setNotice] = useState<string>();
  const path = usePath();

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(
    () =>
      api.onSessionChange((next, change) => {
        setNotice(change === 'expired' ? 'Your session has ended. Sign in again to carry on where you were.' : undefined);
        setUser(next);
      }),
    [],
  );

  return (
    <ThemeContext.Provider value={theme}>
      {user ? (
        <Shell user={user} path={path} theme={theme} onTheme={setTheme}>
          <Routes path={path} user={user} />
        </Shell>
      ) : (
        <LoginPage notice={notice} />
      )}
    </ThemeContext.Provider>
  );
}
