import type { AgentKeyView, IssuedAgentKey, IssuedNodeSecret, List, NodeDetail, ServerView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { NodeInstallCommands } from '../../components/NodeInstallCommands';
import { type Column, DataTable } from '../../components/DataTable';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
import { ago } from '../../format/time';
import { useT } from '../../i18n/i18n';

/** How the server reaches Pharos: an agent's API keys or a node's secret, issued and revoked here. */
export function AccessPanel({ server, node, now }: { server: ServerView; node: NodeDetail | undefined; now: number }) {
  return server.source === 'agent' ? <AgentKeys serverId={server.id} now={now} /> : <NodeSecret serverId={server.id} secret={node?.secret ?? null} now={now} />;
}

function AgentKeys({ serverId, now }: { serverId: string; now: number }) {
  const t = useT();
  const keys = useApi<List<AgentKeyView>>(`/api/v1/servers/${serverId}/agent-keys`);
  const [issued, setIssued] = useState<string | null>(null);
  const issue = useAction(async () => {
    const key = await api.post<IssuedAgentKey>(`/api/v1/servers/${serverId}/agent-keys`);
    setIssued(key.apiKey);
    keys.reload();
  });
  const revoke = useAction(async (keyId: string) => {
    if (!confirm(t.confirmRevokeKey)) return;
    await api.delete(`/api/v1/servers/${serverId}/agent-keys/${keyId}`);
    keys.reload();
  });
  const columns: Column<AgentKeyView>[] = [
    { header: t.key, kind: 'title', cell: (k) => <code>{k.prefix}…</code> },
    { header: t.state, cell: (k) => <StatusBadge status={k.revokedAt ? 'offline' : 'online'} label={k.revokedAt ? t.revoked : t.active} /> },
    { header: t.created, className: 'muted small', cell: (k) => ago(k.createdAt, now) },
    { header: t.lastUsed, className: 'muted small', cell: (k) => (k.lastUsedAt ? ago(k.lastUsedAt, now) : t.never) },
    {
      header: t.actions,
      kind: 'actions',
      cell: (k) =>
        !k.revokedAt && (
          <button type="button" className="danger" onClick={() => void revoke.run(k.id)}>
            {t.revoke}
          </button>
        ),
    },
  ];
  return (
    <section className="card card-pad stack" aria-label={t.agentApiKeys}>
      <div className="row">
        <h2>{t.agentApiKeys}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => void issue.run()} disabled={issue.busy}>
          {t.issueNewKey}
        </button>
      </div>
      {issued && (
        <SecretOnce title={t.newAgentApiKey} onDone={() => setIssued(null)}>
          <CopyField label={t.agentApiKey} value={issued} />
        </SecretOnce>
      )}
      <InlineError error={issue.error ?? revoke.error} />
      <Loaded resource={keys}>
        {({ items }) => <DataTable label={t.agentApiKeys} columns={columns} rows={items} inCard empty={<Empty title={t.noKeys}>{t.noKeysHint}</Empty>} />}
      </Loaded>
    </section>
  );
}

function NodeSecret({ serverId, secret, now }: { serverId: string; secret: NodeDetail['secret']; now: number }) {
  const t = useT();
  const [issued, setIssued] = useState<IssuedNodeSecret | null>(null);
  const [revoked, setRevoked] = useState(false);
  const rotate = useAction(async () => {
    if (secret && !confirm(t.confirmRotateSecret)) return;
    setIssued(await api.post<IssuedNodeSecret>(`/api/v1/nodes/${serverId}/secret`));
    setRevoked(false);
  });
  const revoke = useAction(async () => {
    if (!confirm(t.confirmRevokeSecret)) return;
    await api.delete(`/api/v1/nodes/${serverId}/secret`);
    setRevoked(true);
  });
  const current = revoked ? null : secret;
  return (
    <section className="card card-pad stack" aria-label={t.nodeSecret}>
      <div className="row">
        <h2>{t.nodeSecret}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => void rotate.run()} disabled={rotate.busy}>
          {current ? t.rotate : t.issueSecret}
        </button>
        {current && (
          <button type="button" className="danger" onClick={() => void revoke.run()} disabled={revoke.busy}>
            {t.revoke}
          </button>
        )}
      </div>
      <p className="muted small">
        {issued ? t.newSecretIssued : current ? t.secretSummary(current.prefix, ago(current.createdAt, now), current.lastUsedAt ? ago(current.lastUsedAt, now) : t.never) : t.noSecret}
      </p>
      {issued && (
        <SecretOnce title={t.newNodeSecret} onDone={() => setIssued(null)}>
          <NodeInstallCommands issued={issued} />
        </SecretOnce>
      )}
      <InlineError error={rotate.error ?? revoke.error} />
    </section>
  );
}
