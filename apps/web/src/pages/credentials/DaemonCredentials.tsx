import type { IssuedRemoteToken } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { NameForm } from './NameForm';

/** Registers a Lightd daemon; its remote token and config block are shown once. */
export function DaemonCredentials() {
  const [apiUrl, setApiUrl] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [issued, setIssued] = useState<IssuedRemoteToken | null>(null);
  const register = useAction(async (name: string) => {
    setIssued(await api.post<IssuedRemoteToken>('/api/v1/lightd/daemons', { name, apiUrl, ...(apiToken ? { apiToken } : {}) }));
  });
  if (issued) {
    return (
      <SecretOnce title={`Remote token of daemon "${issued.daemon.name}"`} onDone={() => setIssued(null)}>
        <CopyField label="Lightd remote config" value={JSON.stringify(issued.lightdConfig, null, 2)} multiline />
        <CopyField label="Remote token" value={issued.remoteToken} />
      </SecretOnce>
    );
  }
  return (
    <NameForm label="Daemon name" submit="Register daemon" busy={register.busy} error={register.error} onSubmit={(name) => void register.run(name)}>
      <label>
        Daemon API URL
        <input value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} required placeholder="https://node-1.example.com:8080" type="url" />
      </label>
      <label>
        Daemon API token (for consoles)
        <input value={apiToken} onChange={(e) => setApiToken(e.target.value)} type="password" autoComplete="off" />
      </label>
    </NameForm>
  );
}
