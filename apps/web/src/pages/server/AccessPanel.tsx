import type { AgentKeyView, IssuedAgentKey, IssuedNodeSecret, List, NodeDetail, ServerView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { type Column, DataTable } from '../../components/DataTable';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
import { ago } from '../../format/time';

/** How the server reaches Pharos: an agent's API keys or a node's secret, issued and revoked here. */
export function AccessPanel({ server, node, now }: { server: ServerView; node: NodeDetail | undefined; now: number }) {
  return server.source === 'agent' ? <AgentKeys serverId={server.id} now={now} /> : <NodeSecret serverId={server.id} secret={node?.secret ?? null} now={now} />;
}

function AgentKeys({ serverId, now }: { serverId: string; now: number }) {
  const keys = useApi<List<AgentKeyView>>(`/api/v1/servers/${serverId}/agent-keys`);
  const [issued, setIssued] = useState<string | null>(null);
  const issue = useAction(async () => {
    const key = await api.post<IssuedAgentKey>(`/api/v1/servers/${serverId}/agent-keys`);
    setIssued(key.apiKey);
    keys.reload();
  });
  const revoke = useAction(async (keyId: string) => {
    if (!confirm('Revoke this key? An agent using it is disconnected at once.')) return;
    await api.delete(`/api/v1/servers/${serverId}/agent-keys/${keyId}`);
    keys.reload();
  });
  const columns: Column<AgentKeyView>[] = [
    { header: 'Key', kind: 'title', cell: (k) => <code>{k.prefix}…</code> },
    { header: 'State', cell: (k) => <StatusBadge status={k.revokedAt ? 'offline' : 'online'} label={k.revokedAt ? 'revoked' : 'active'} /> },
    { header: 'Created', className: 'muted small', cell: (k) => ago(k.createdAt, now) },
    { header: 'Last used', className: 'muted small', cell: (k) => (k.lastUsedAt ? ago(k.lastUsedAt, now) : 'never') },
    {
      header: 'Actions',
      kind: 'actions',
      cell: (k) =>
        !k.revokedAt && (
          <button type="button" className="danger" onClick={() => void revoke.run(k.id)}>
            Revoke
          </button>
        ),
    },
  ];
  return (
    <section className="card card-pad stack" aria-label="Agent API keys">
      <div className="row">
        <h3>Agent API keys</h3>
        <span className="spacer" />
        <button type="button" onClick={() => void issue.run()} disabled={issue.busy}>
          Issue a new key
        </button>
      </div>
      {issued && (
        <SecretOnce title="New agent API key" onDone={() => setIssued(null)}>
          <CopyField label="Agent API key" value={issued} />
        </SecretOnce>
      )}
      <InlineError error={issue.error ?? revoke.error} />
      <Loaded resource={keys}>
        {({ items }) => <DataTable label="Agent API keys" columns={columns} rows={items} inCard empty={<Empty title="No keys">Issue one for the agent to connect.</Empty>} />}
      </Loaded>
    </section>
  );
}

function NodeSecret({ serverId, secret, now }: { serverId: string; secret: NodeDetail['secret']; now: number }) {
  const [issued, setIssued] = useState<IssuedNodeSecret | null>(null);
  const [revoked, setRevoked] = useState(false);
  const rotate = useAction(async () => {
    if (secret && !confirm('Rotate the secret? The node stops reporting until it is installed with the new one.')) return;
    setIssued(await api.post<IssuedNodeSecret>(`/api/v1/nodes/${serverId}/secret`));
    setRevoked(false);
  });
  const revoke = useAction(async () => {
    if (!confirm('Revoke the secret? The node can no longer report.')) return;
    await api.delete(`/api/v1/nodes/${serverId}/secret`);
    setRevoked(true);
  });
  const current = revoked ? null : secret;
  return (
    <section className="card card-pad stack" aria-label="Node secret">
      <div className="row">
        <h3>Node secret</h3>
        <span className="spacer" />
        <button type="button" onClick={() => void rotate.run()} disabled={rotate.busy}>
          {current ? 'Rotate' : 'Issue a secret'}
        </button>
        {current && (
          <button type="button" className="danger" onClick={() => void revoke.run()} disabled={revoke.busy}>
            Revoke
          </button>
        )}
      </div>
      <p className="muted small">
        {issued ? 'A new secret was issued.' : current ? `Secret ${current.prefix}… created ${ago(current.createdAt, now)}, last used ${current.lastUsedAt ? ago(current.lastUsedAt, now) : 'never'}.` : 'The node has no secret: it cannot report.'}
      </p>
      {issued && (
        <SecretOnce title="New node secret" onDone={() => setIssued(null)}>
          <CopyField label="Install command" value={issued.installCommand} multiline />
          <CopyField label="Node secret" value={issued.secret} />
        </SecretOnce>
      )}
      <InlineError error={rotate.error ?? revoke.error} />
    </section>
  );
}
