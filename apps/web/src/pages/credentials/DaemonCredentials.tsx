import type { IssuedRemoteToken } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { useT } from '../../i18n/i18n';
import { NameForm } from './NameForm';

/** Registers a Lightd daemon; its remote token and config block are shown once. */
export function DaemonCredentials() {
  const t = useT();
  const [apiUrl, setApiUrl] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [issued, setIssued] = useState<IssuedRemoteToken | null>(null);
  const register = useAction(async (name: string) => {
    setIssued(await api.post<IssuedRemoteToken>('/api/v1/lightd/daemons', { name, apiUrl, ...(apiToken ? { apiToken } : {}) }));
  });
  if (issued) {
    return (
      <SecretOnce title={t.remoteTokenOfDaemon(issued.daemon.name)} onDone={() => setIssued(null)}>
        <CopyField label={t.lightdRemoteConfig} value={JSON.stringify(issued.lightdConfig, null, 2)} multiline />
        <CopyField label={t.remoteToken} value={issued.remoteToken} />
      </SecretOnce>
    );
  }
  return (
    <NameForm label={t.daemonName} submit={t.registerDaemonButton} busy={register.busy} error={register.error} onSubmit={(name) => void register.run(name)}>
      <label>
        {t.daemonApiUrl}
        <input value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} required placeholder="https://node-1.example.com:8080" type="url" />
      </label>
      <label>
        {t.daemonApiToken}
        <input value={apiToken} onChange={(e) => setApiToken(e.target.value)} type="password" autoComplete="off" />
      </label>
    </NameForm>
  );
}
