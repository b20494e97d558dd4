import type { FormEvent, ReactNode } from 'react';
import { InlineError } from './States';

/**
 * A form that does one thing: its fields side by side, then the error of the last try and the
 * submit button (disabled while busy). `label` names the form for screen readers (and tests).
 */
export function ActionForm({ label, submit, busy, disabled = false, error, onSubmit, children }: { label?: string; submit: ReactNode; busy: boolean; disabled?: boolean; error: unknown; onSubmit: () => void; children: ReactNode }) {
  const send = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form className="form" onSubmit={send} aria-label={label}>
      <div className="form-row">{children}</div>
      <InlineError error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || disabled}>
          {submit}
        </button>
      </div>
    </form>
  );
}
