import type { IssuedAgentKey, ServerView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { useAction, useApi } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { StatusBadge } from '../../components/Status';
import { useT } from '../../i18n/i18n';
import { NameForm } from './NameForm';

interface IssuedAgent {
  server: ServerView;
  apiKey: string;
}

/** The WebSocket agents connect to, on the address the dashboard was opened with. */
function agentSocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/agents/ws`;
}

/** The ways to run pharos-agent with this key: npx, Docker, and the systemd installer Pharos serves. */
export function agentInstallCommands(origin: string, apiKey: string): { npx: string; docker: string; systemd: string } {
  return {
    npx: `PHAROS_AGENT_KEY=${apiKey} npx pharos-agent --url ${origin}`,
    docker: [
      'docker run -d --name pharos-agent --restart unless-stopped \\',
      '  --pid host --network host \\',
      '  -v /var/run/docker.sock:/var/run/docker.sock:ro \\',
      '  -v /:/host:ro,rslave -e PHAROS_HOST_ROOT=/host \\',
      `  -e PHAROS_URL=${origin} -e PHAROS_AGENT_KEY=${apiKey} \\`,
      '  pharos-agent',
    ].join('\n'),
    systemd: `curl -fsSL ${origin}/api/v1/agents/install.sh | sudo sh -s -- --key ${apiKey}`,
  };
}

/** Whether the new server's agent has connected yet (polled until it has). */
function AgentArrival({ serverId }: { serverId: string }) {
  const t = useT();
  const [online, setOnline] = useState(false);
  const server = useApi<ServerView>(`/api/v1/servers/${serverId}`, { refreshMs: online ? undefined : 3000 });
  if (server.data?.status === 'online' && !online) setOnline(true);
  return (
    <p className="row small" role="status" aria-live="polite">
      <StatusBadge status={server.data?.status ?? 'unknown'} />
      <span>{online ? t.agentArrived : t.agentWaiting}</span>
      {online && <Link href={`/servers/${serverId}`}>{t.openServer}</Link>}
    </p>
  );
}

/** Creates an agent server and its API key, shown once with how an agent connects. */
export function AgentCredentials() {
  const t = useT();
  const [issued, setIssued] = useState<IssuedAgent | null>(null);
  const create = useAction(async (name: string) => {
    const server = await api.post<ServerView>('/api/v1/servers', { name });
    const key = await api.post<IssuedAgentKey>(`/api/v1/servers/${server.id}/agent-keys`);
    setIssued({ server, apiKey: key.apiKey });
  });
  if (issued) {
    const url = agentSocketUrl();
    const install = agentInstallCommands(location.origin, issued.apiKey);
    return (
      <SecretOnce title={t.apiKeyOfAgent(issued.server.name)} onDone={() => setIssued(null)}>
        <AgentArrival serverId={issued.server.id} />
        <CopyField label={t.agentInstallSystemd} value={install.systemd} multiline />
        <CopyField label={t.agentInstallDocker} value={install.docker} multiline />
        <CopyField label={t.agentInstallNpx} value={install.npx} multiline />
        {/* Agents are not ours: what they need is the socket URL and the seed's auth message. */}
        <CopyField label={t.agentConnection} value={`connect ${url}\nsend {"type":"auth","api_key":"${issued.apiKey}"}`} multiline />
        <CopyField label={t.agentApiKey} value={issued.apiKey} />
        <CopyField label={t.agentWebSocketUrl} value={url} />
      </SecretOnce>
    );
  }
  return <NameForm label={t.serverName} submit={t.createAgentAndKey} busy={create.busy} error={create.error} onSubmit={(name) => void create.run(name)} />;
}
