import { type ReactNode, useState } from 'react';
import { ActionForm } from '../../components/ActionForm';
import { useT } from '../../i18n/i18n';

/** A small create form: a name (and any extra fields), a submit button and the error. */
export function NameForm({ label, submit, busy, error, onSubmit, children }: { label: string; submit: string; busy: boolean; error: unknown; onSubmit: (name: string) => void; children?: ReactNode }) {
  const t = useT();
  const [name, setName] = useState('');
  const send = () => {
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <ActionForm submit={busy ? t.creating : submit} busy={busy} error={error} onSubmit={send}>
      <label>
        {label}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
      </label>
      {children}
    </ActionForm>
  );
}
