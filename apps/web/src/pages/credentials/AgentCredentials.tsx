import type { IssuedAgentKey, ServerView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
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
    return (
      <SecretOnce title={t.apiKeyOfAgent(issued.server.name)} onDone={() => setIssued(null)}>
        {/* Agents are not ours: what they need is the socket URL and the seed's auth message. */}
        <CopyField label={t.agentConnection} value={`connect ${url}\nsend {"type":"auth","api_key":"${issued.apiKey}"}`} multiline />
        <CopyField label={t.agentApiKey} value={issued.apiKey} />
        <CopyField label={t.agentWebSocketUrl} value={url} />
      </SecretOnce>
    );
  }
  return <NameForm label={t.serverName} submit={t.createAgentAndKey} busy={create.busy} error={create.error} onSubmit={(name) => void create.run(name)} />;
}
