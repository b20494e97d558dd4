import { useEffect, useState } from 'react';
import { api, type SessionUser } from '../api/client';
import { Empty } from '../components/States';
import { FleetPage } from '../pages/FleetPage';
import { LoginPage } from '../pages/LoginPage';
import { usePath } from './router';
import { Shell } from './Shell';
import { applyTheme, initialTheme, type Theme } from './theme';

export function App() {
  const [user, setUser] = useState<SessionUser | null>(api.user);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [ended, setEnded] = useState(false);
  const path = usePath();

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(
    () =>
      api.onSessionChange((next) => {
        setEnded(next === null && user !== null);
        setUser(next);
      }),
    [user],
  );

  if (!user) return <LoginPage notice={ended ? 'Your session has ended. Please sign in again.' : undefined} />;

  return (
    <Shell user={user} path={path} theme={theme} onTheme={setTheme}>
      <Route path={path} />
    </Shell>
  );
}

function Route({ path }: { path: string }) {
  if (path === '/') return <FleetPage />;
  return <Empty title="Not found">There is no page at {path}.</Empty>;
}
