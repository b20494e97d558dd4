import type { IssuedNode } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { SecretOnce } from '../../components/CopyField';
import { NodeInstallCommands } from '../../components/NodeInstallCommands';
import { useT } from '../../i18n/i18n';
import { NameForm } from './NameForm';

/** Creates an Ithiltir node; its secret and install commands are shown once. */
export function NodeCredentials() {
  const t = useT();
  const [issued, setIssued] = useState<IssuedNode | null>(null);
  const create = useAction(async (name: string) => setIssued(await api.post<IssuedNode>('/api/v1/nodes', { name })));
  if (issued) {
    return (
      <SecretOnce title={t.secretOfNode(issued.node.name)} onDone={() => setIssued(null)}>
        <NodeInstallCommands issued={issued} />
      </SecretOnce>
    );
  }
  return <NameForm label={t.nodeName} submit={t.createNode} busy={create.busy} error={create.error} onSubmit={(name) => void create.run(name)} />;
}
