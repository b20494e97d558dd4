import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { useT } from '../../i18n/i18n';

/** Offers a version to every node or to one group. */
export function TargetRelease({ versions, onTargeted }: { versions: string[]; onTargeted: () => void }) {
  const t = useT();
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
    <ActionForm label={t.targetRelease} submit={t.offerToNodes} busy={target.busy} error={target.error} onSubmit={() => void target.run()}>
      <label>
        {t.version}
        <select value={version || versions[0]} onChange={(e) => setVersion(e.target.value)}>
          {versions.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        {t.groupEmptyEveryNode}
        <input value={group} onChange={(e) => setGroup(e.target.value)} />
      </label>
    </ActionForm>
  );
}
