import { PageHeader } from '../../components/PageHeader';
import { Empty } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { AgentCredentials } from './AgentCredentials';
import { DaemonCredentials } from './DaemonCredentials';
import { NodeCredentials } from './NodeCredentials';

/** Where admins create agents, nodes and Lightd daemons, each with its secret shown once. */
export function CredentialsPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  return (
    <section className="page">
      <PageHeader title={t.navCredentials} />
      {!isAdmin ? (
        <Empty title={t.adminsOnly}>{t.credentialsNeedAdmin}</Empty>
      ) : (
        <div className="grid-2">
          <section className="card card-pad stack" aria-label={t.newAgent}>
            <h2>{t.newAgent}</h2>
            <p className="muted small">{t.newAgentHint}</p>
            <AgentCredentials />
          </section>
          <section className="card card-pad stack" aria-label={t.newNode}>
            <h2>{t.newNode}</h2>
            <p className="muted small">{t.newNodeHint}</p>
            <NodeCredentials />
          </section>
          <section className="card card-pad stack" aria-label={t.registerLightdDaemon}>
            <h2>{t.registerLightdDaemon}</h2>
            <p className="muted small">{t.registerLightdDaemonHint}</p>
            <DaemonCredentials />
          </section>
        </div>
      )}
    </section>
  );
}
