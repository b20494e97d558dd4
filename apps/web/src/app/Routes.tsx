import type { SessionUser } from '../api/client';
import { useT } from '../i18n/i18n';
import { Link } from './router';
import { PageHeader } from '../components/PageHeader';
import { Empty } from '../components/States';
import { AccountPage } from '../pages/account/AccountPage';
import { AlertsPage } from '../pages/alerts/AlertsPage';
import { ApiTokensPage } from '../pages/api-tokens/ApiTokensPage';
import { AuditPage } from '../pages/audit/AuditPage';
import { CredentialsPage } from '../pages/credentials/CredentialsPage';
import { FleetPage } from '../pages/fleet/FleetPage';
import { ContainerPage } from '../pages/lightd/ContainerPage';
import { DaemonPage } from '../pages/lightd/DaemonPage';
import { LightdPage } from '../pages/lightd/LightdPage';
import { ReleasesPage } from '../pages/releases/ReleasesPage';
import { ServerPage } from '../pages/server/ServerPage';
import { SessionsPage } from '../pages/sessions/SessionsPage';
import { UsersPage } from '../pages/users/UsersPage';
import { matchRoute } from './router';

/** The page for a path. Pages with an id are keyed by it, so moving between two starts fresh. */
export function Routes({ path, user }: { path: string; user: SessionUser }) {
  const isAdmin = user.role === 'admin';
  let params: Record<string, string> | null;
  if (path === '/' || path === '/servers') return <FleetPage isAdmin={isAdmin} />;
  if ((params = matchRoute('/servers/:id', path))) return <ServerPage key={params.id} id={params.id!} isAdmin={isAdmin} />;
  if (path === '/alerts') return <AlertsPage isAdmin={isAdmin} />;
  if (path === '/lightd') return <LightdPage />;
  if ((params = matchRoute('/lightd/daemons/:id', path))) return <DaemonPage key={params.id} id={params.id!} isAdmin={isAdmin} />;
  if ((params = matchRoute('/lightd/containers/:id', path))) return <ContainerPage key={params.id} id={params.id!} />;
  if (path === '/credentials') return <CredentialsPage isAdmin={isAdmin} />;
  if (path === '/releases') return <ReleasesPage isAdmin={isAdmin} />;
  if (path === '/api-tokens') return <ApiTokensPage user={user} />;
  if (path === '/sessions') return <SessionsPage />;
  if (path === '/users' && isAdmin) return <UsersPage currentUser={user} />;
  if (path === '/audit' && isAdmin) return <AuditPage />;
  if (path === '/account') return <AccountPage user={user} />;
  return <NotFound path={path} />;
}

function NotFound({ path }: { path: string }) {
  const t = useT();
  return (
    <section className="page">
      <PageHeader title={t.notFound} />
      <Empty title={t.noPageAt(path)}>
        <Link href="/">{t.backToFleet}</Link>
      </Empty>
    </section>
  );
}
