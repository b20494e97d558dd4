import { type FormEvent, type ReactNode, useEffect, useRef } from 'react';
import { useT } from '../i18n/i18n';
import { InlineError } from './States';

/** A modal dialog (the browser's own <dialog>): Escape and the close button dismiss it. */
export function Dialog({ title, open, onClose, children, wide = false }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  return (
    <dialog ref={ref} className={wide ? 'dialog wide' : 'dialog'} onClose={onClose} aria-label={title}>
      {open && (
        <>
          <header className="dialog-header">
            <h2>{title}</h2>
            <button type="button" className="icon" onClick={onClose} aria-label={t.close}>
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/**
 * Asks before an action that cannot be taken back (revoking a token, disabling a user): says
 * what will happen, and runs the action only on the explicit button. Its error stays in the
 * dialog, beside the button that caused it.
 */
export function ConfirmDialog({
  title,
  open,
  confirmLabel,
  danger = false,
  busy = false,
  error,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <div className="confirm-text">{children}</div>
      <InlineError error={error} />
      <div className="actions-row">
        <button type="button" onClick={onClose} disabled={busy}>
          {t.cancel}
        </button>
        <button type="button" className={danger ? 'primary danger-fill' : 'primary'} onClick={onConfirm} disabled={busy}>
          {busy ? t.working : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** A dialog's form: its fields, then Cancel and the submit button (busy while it runs). */
export function DialogForm({ onSubmit, onCancel, submit, busy, disabled = false, children }: { onSubmit: () => void; onCancel: () => void; submit: string; busy: boolean; disabled?: boolean; children: ReactNode }) {
  const t = useT();
  const send = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="form" onSubmit={send}>
      {children}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="submit" className="primary" disabled={busy || disabled}>
          {busy ? t.working : submit}
        </button>
      </div>
    </form>
  );
}
