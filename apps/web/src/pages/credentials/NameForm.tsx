import { type FormEvent, type ReactNode, useState } from 'react';
import { InlineError } from '../../components/States';

/** A small create form: a name (and any extra fields), a submit button and the error. */
export function NameForm({ label, submit, busy, error, onSubmit, children }: { label: string; submit: string; busy: boolean; error: unknown; onSubmit: (name: string) => void; children?: ReactNode }) {
  const [name, setName] = useState('');
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <form className="form" onSubmit={send}>
      <div className="form-row">
        <label>
          {label}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        {children}
      </div>
      <InlineError error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : submit}
        </button>
      </div>
    </form>
  );
}
