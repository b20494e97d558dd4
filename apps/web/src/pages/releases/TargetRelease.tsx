import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';

/** Offers a version to every node or to one group. */
export function TargetRelease({ versions, onTargeted }: { versions: string[]; onTargeted: () => void }) {
  const [version, setVersion] = useState('');
  const [group, setGroup] = useState('');
  const target = useAction(async () => {
    const chosen = version || versions[0];
    if (!chosen) return;
    await api.post('/api/v1/releases/targets', group.trim() ? { version: chosen, scope: 'group', group: group.trim() } : { version: chosen, scope: 'all' });
    onTargeted();
  });
  if (versions.length === 0) return null;
  return (
    <ActionForm label="Target a release" submit="Offer to nodes" busy={target.busy} error={target.error} onSubmit={() => void target.run()}>
      <label>
        Version
        <select value={version || versions[0]} onChange={(e) => setVersion(e.target.value)}>
          {versions.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        Group (empty: every node)
        <input value={group} onChange={(e) => setGroup(e.target.value)} />
      </label>
    </ActionForm>
  );
}
