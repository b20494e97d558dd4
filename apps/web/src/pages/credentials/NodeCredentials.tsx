import type { IssuedNode } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { NameForm } from './NameForm';

/** Creates an Ithiltir node; its secret and install command are shown once. */
export function NodeCredentials() {
  const [issued, setIssued] = useState<IssuedNode | null>(null);
  const create = useAction(async (name: string) => setIssued(await api.post<IssuedNode>('/api/v1/nodes', { name })));
  if (issued) {
    return (
      <SecretOnce title={`Secret of node "${issued.node.name}"`} onDone={() => setIssued(null)}>
        <CopyField label="Install command" value={issued.installCommand} multiline />
        <CopyField label="Node secret" value={issued.secret} />
      </SecretOnce>
    );
  }
  return <NameForm label="Node name" submit="Create node" busy={create.busy} error={create.error} onSubmit={(name) => void create.run(name)} />;
}
