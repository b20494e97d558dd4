import { PageHeader } from '../../components/PageHeader';
import { Empty } from '../../components/States';
import { AgentCredentials } from './AgentCredentials';
import { DaemonCredentials } from './DaemonCredentials';
import { NodeCredentials } from './NodeCredentials';

/** Where admins create agents, nodes and Lightd daemons, each with its secret shown once. */
export function CredentialsPage({ isAdmin }: { isAdmin: boolean }) {
  if (!isAdmin) return <Empty title="Admins only">Creating credentials needs the admin role.</Empty>;
  return (
    <section className="page">
      <PageHeader title="Credentials" />
      <div className="grid-2">
        <section className="card card-pad stack" aria-label="New agent">
          <h3>New agent</h3>
          <p className="muted small">A server run by the Pharos agent, with its API key (rotate or revoke it on the server page).</p>
          <AgentCredentials />
        </section>
        <section className="card card-pad stack" aria-label="New Ithiltir node">
          <h3>New Ithiltir node</h3>
          <p className="muted small">A node that pushes its metrics to Pharos, with its secret and install command.</p>
          <NodeCredentials />
        </section>
        <section className="card card-pad stack" aria-label="Register a Lightd daemon">
          <h3>Register a Lightd daemon</h3>
          <p className="muted small">Pharos becomes the daemon's remote; paste the config block into the daemon's configuration.</p>
          <DaemonCredentials />
        </section>
      </div>
    </section>
  );
}
